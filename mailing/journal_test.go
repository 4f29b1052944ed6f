package mailing_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journaltest"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) mailing.Journal {
			return mailing.NewMemory(mailing.WithClock(now))
		},
	})
}

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	var paths sync.Map // journal → its file
	openAt := func(t *testing.T, path string, now func() time.Time) mailing.Journal {
		j, err := mailing.OpenSQLite(path, mailing.WithClock(now))
		require.NoError(t, err)
		paths.Store(j, path)
		return j
	}
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) mailing.Journal {
			return openAt(t, filepath.Join(t.TempDir(), "journal.db"), now)
		},
		Reopen: func(t *testing.T, j mailing.Journal, now func() time.Time) mailing.Journal {
			path, ok := paths.Load(j)
			require.True(t, ok)
			require.NoError(t, j.Close())
			return openAt(t, path.(string), now)
		},
	})
}
