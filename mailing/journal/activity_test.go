package journal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadActivityByListing works the activity out of a Memory journal's
// entries: live leases per worker, and what settled within the window.
func TestReadActivityByListing(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := journaltest.NewClock(start)
	j := journal.NewMemory(journal.Config{Now: clock.Now})
	ctx := t.Context()
	persons := []message.RecipientID{"195303231855", "198101052382", "199001012385", "200001012384"}
	items := func(yield func(journal.Item, error) bool) {
		for i := range 12 {
			if !yield(journal.Item{MessageID: fmt.Sprint("id-", i), Recipient: persons[i%4]}, nil) {
				return
			}
		}
	}
	_, err := j.Load(ctx, "m", items)
	require.NoError(t, err)
	failed := func(e journal.Entry) journal.Entry {
		e.State, e.Error = journal.Failed, "message invalid: Subject: required"
		return e
	}

	early, err := j.Claim(ctx, "m", "zeta:1", 3, time.Minute)
	require.NoError(t, err)
	require.NoError(t, j.Record(ctx, failed(early[0]))) // settles before the window
	clock.Advance(90 * time.Second)                     // zeta's other leases end
	late, err := j.Claim(ctx, "m", "alpha:2", 4, time.Minute)
	require.NoError(t, err)
	require.NoError(t, j.Record(ctx, failed(late[0]), failed(late[1])))
	_, err = j.Claim(ctx, "m", "beta:3", 1, 2*time.Minute)
	require.NoError(t, err)

	now := clock.Now()
	a, err := journal.ReadActivity(ctx, j, "m", time.Minute, now)
	require.NoError(t, err)
	assert.Equal(t, journal.Activity{At: now, Window: time.Minute, Settled: 2, Workers: []journal.WorkerLeases{
		{Worker: "alpha:2", Entries: 2, Until: now.Add(time.Minute)},
		{Worker: "beta:3", Entries: 1, Until: now.Add(2 * time.Minute)},
	}}, a)
	assert.InDelta(t, 2.0/60, a.Rate(), 1e-9)

	wide, err := journal.ReadActivity(ctx, j, "m", 5*time.Minute, now)
	require.NoError(t, err)
	assert.Equal(t, 3, wide.Settled, "a wider window takes in the early one")
	assert.Zero(t, journal.Activity{}.Rate(), "no window, no rate")
}

// activityJournal is a journal that reads its own activity.
type activityJournal struct {
	journal.Journal
	a journal.Activity
}

func (j activityJournal) Activity(context.Context, string, time.Duration) (journal.Activity, error) {
	return j.a, nil
}

func TestReadActivityAsksTheJournal(t *testing.T) {
	t.Parallel()
	want := journal.Activity{Settled: 7, Window: time.Minute, Workers: []journal.WorkerLeases{{Worker: "w", Entries: 1}}}
	got, err := journal.ReadActivity(t.Context(), activityJournal{journal.NewMemory(journal.Config{}), want}, "m", time.Minute, time.Now())
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
