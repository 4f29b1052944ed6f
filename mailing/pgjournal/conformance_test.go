package pgjournal_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journaltest"
	"github.com/avsandare/mm/mailing/pgjournal"
)

// TestConformance runs the suite every journal passes, each test on a
// schema of its own, with the suite's clock.
func TestConformance(t *testing.T) {
	t.Parallel()
	var dsns sync.Map // journal → its DSN
	openAt := func(t *testing.T, dsn string, now func() time.Time) mailing.Journal {
		j, err := pgjournal.Open(t.Context(), dsn, mailing.WithClock(now))
		require.NoError(t, err)
		dsns.Store(j, dsn)
		return j
	}
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) mailing.Journal {
			return openAt(t, conformance.Postgres(t), now)
		},
		Reopen: func(t *testing.T, j mailing.Journal, now func() time.Time) mailing.Journal {
			dsn, ok := dsns.Load(j)
			require.True(t, ok)
			require.NoError(t, j.Close())
			return openAt(t, dsn.(string), now)
		},
	})
}
