package sqlitejournal_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/stretchr/testify/require"
)

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	var paths sync.Map // journal → its file
	openAt := func(t *testing.T, path string, now func() time.Time) journal.Journal {
		j, err := sqlitejournal.Open(path, journal.Config{Now: now})
		require.NoError(t, err)
		paths.Store(j, path)
		return j
	}
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) journal.Journal {
			return openAt(t, filepath.Join(t.TempDir(), "journal.db"), now)
		},
		Reopen: func(t *testing.T, j journal.Journal, now func() time.Time) journal.Journal {
			path, ok := paths.Load(j)
			require.True(t, ok)
			require.NoError(t, j.Close())
			return openAt(t, path.(string), now)
		},
	})
}
