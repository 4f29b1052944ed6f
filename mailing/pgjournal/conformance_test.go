package pgjournal_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
	"github.com/avsandare/mm/mailing/pgjournal"
)

// TestConformance runs the suite every journal passes, each test on a
// schema of its own, with the suite's clock.
func TestConformance(t *testing.T) {
	t.Parallel()
	var dsns sync.Map // journal → its DSN
	openAt := func(t *testing.T, dsn string, now func() time.Time) journal.Journal {
		j, err := pgjournal.Open(t.Context(), dsn, journal.Config{Now: now})
		require.NoError(t, err)
		dsns.Store(j, dsn)
		return j
	}
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) journal.Journal {
			return openAt(t, conformance.Postgres(t), now)
		},
		Reopen: func(t *testing.T, j journal.Journal, now func() time.Time) journal.Journal {
			dsn, ok := dsns.Load(j)
			require.True(t, ok)
			require.NoError(t, j.Close())
			return openAt(t, dsn.(string), now)
		},
	})
}
