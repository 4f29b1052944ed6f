package journal_test

import (
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	journaltest.Run(t, journaltest.Harness{
		Open: func(t *testing.T, now func() time.Time) journal.Journal {
			return journal.NewMemory(journal.Config{Now: now})
		},
	})
}
