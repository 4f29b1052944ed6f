package pgjournal_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/message"
)

// TestRecordNewEntryRace records one new entry from many instances at
// once: every insert but one finds the row taken, and its transaction runs
// again, now as an update of the row it found.
func TestRecordNewEntryRace(t *testing.T) {
	t.Parallel()
	instances := openN(t, conformance.Postgres(t), 4)
	e := journal.Entry{Mailing: testMailing, MessageID: testID(1), Recipient: "195303231855", State: journal.Queued}
	var wg sync.WaitGroup
	errs := make(chan error, 4*8)
	for _, j := range instances {
		for range 8 {
			wg.Go(func() { errs <- j.Record(t.Context(), e) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	c, err := instances[0].Counts(t.Context(), testMailing)
	require.NoError(t, err)
	assert.Equal(t, 1, c.Total)
}

// TestRecordAcrossMailings records entries of two mailings in one call,
// and a crossed pair of entries from two goroutines at once: locks are
// taken in key order, so neither waits on the other for ever.
func TestRecordAcrossMailings(t *testing.T) {
	t.Parallel()
	j := openN(t, conformance.Postgres(t), 1)[0]
	a := journal.Entry{Mailing: "a", MessageID: testID(1), Recipient: "198101052382", State: journal.Queued}
	b := journal.Entry{Mailing: "b", MessageID: testID(1), Recipient: "199001012385", State: journal.Queued}
	require.NoError(t, j.Record(t.Context(), a, b))

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			pair := []journal.Entry{a, b}
			if i%2 == 1 {
				pair = []journal.Entry{b, a}
			}
			assert.NoError(t, j.Record(t.Context(), pair...))
		})
	}
	wg.Wait()
	for _, want := range []journal.Entry{a, b} {
		got, err := j.Get(t.Context(), want.Mailing, want.MessageID)
		require.NoError(t, err)
		assert.Equal(t, want.Recipient, got.Recipient, want.Mailing)
	}
}

// TestLoadBatches loads duplicates within one batch and a conflict in a
// later batch: the conflicting batch is written not at all, the batches
// before it wholly.
func TestLoadBatches(t *testing.T) {
	t.Parallel()
	j := openN(t, conformance.Postgres(t), 1)[0]
	item := func(n int, payload string) journal.Item {
		return journal.Item{MessageID: testID(n), Recipient: message.RecipientID(testPersons[n%4]), Payload: []byte(payload)}
	}
	st, err := j.Load(t.Context(), testMailing, seqOf(item(1, "a"), item(2, "b"), item(1, "a"), item(3, "")))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Added: 3, Present: 1}, st, "the repeat within the batch is present")

	_, err = j.Load(t.Context(), testMailing, seqOf(item(4, "d"), item(4, "changed")))
	assert.ErrorIs(t, err, journal.ErrConflict)
	_, err = j.Get(t.Context(), testMailing, testID(4))
	assert.ErrorIs(t, err, journal.ErrNotFound, "the conflicting batch left nothing")

	// 1,200 items: two full batches, then one whose last item conflicts.
	many := make([]journal.Item, 0, 1201)
	for n := 100; n < 1300; n++ {
		many = append(many, item(n, "x"))
	}
	many = append(many, item(2, "not b"))
	st, err = j.Load(t.Context(), testMailing, seqOf(many...))
	assert.ErrorIs(t, err, journal.ErrConflict)
	assert.Equal(t, journal.LoadStats{Added: 1000}, st, "the batches before the conflict")
	c, err := j.Counts(t.Context(), testMailing)
	require.NoError(t, err)
	assert.Equal(t, 3+1000, c.Total)

	got, err := j.Get(t.Context(), testMailing, testID(3))
	require.NoError(t, err)
	assert.Nil(t, got.Payload, "an empty payload comes back nil")

	boom := errors.New("line 7: bad JSON")
	st, err = j.Load(t.Context(), testMailing, func(yield func(journal.Item, error) bool) {
		_ = yield(item(2000, "y"), nil) && yield(journal.Item{}, boom)
	})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, journal.LoadStats{}, st, "the source failed before the batch was full")
}

func seqOf(its ...journal.Item) func(func(journal.Item, error) bool) {
	return func(yield func(journal.Item, error) bool) {
		for _, it := range its {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// TestActivity reads who holds leases and how many settled, from the
// database, and compares it with what journal.ReadActivity works out by
// listing the same entries in a Memory journal.
func TestActivity(t *testing.T) {
	t.Parallel()
	clock := journaltest.NewClock(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	pg, err := pgjournal.Open(t.Context(), conformance.Postgres(t), journal.Config{Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = pg.Close() })
	mem := journal.NewMemory(journal.Config{Now: clock.Now})

	for _, j := range []journal.Journal{pg, mem} {
		_, err := j.Load(t.Context(), testMailing, testItems(20))
		require.NoError(t, err)
		early, err := j.Claim(t.Context(), testMailing, "host-b:17", 4, time.Minute)
		require.NoError(t, err)
		require.NoError(t, deliver(t, j, early[0]))
	}
	clock.Advance(2 * time.Minute) // host-b's leases end; its delivery leaves the window
	for _, j := range []journal.Journal{pg, mem} {
		a, err := j.Claim(t.Context(), testMailing, "host-a:4711", 5, time.Minute)
		require.NoError(t, err)
		for _, e := range a[:3] {
			require.NoError(t, deliver(t, j, e))
		}
		_, err = j.Claim(t.Context(), testMailing, "host-c:1", 2, 90*time.Second)
		require.NoError(t, err)
	}

	got, err := pg.Activity(t.Context(), testMailing, time.Minute)
	require.NoError(t, err)
	at := clock.Now()
	want := journal.Activity{At: at, Window: time.Minute, Settled: 3, Workers: []journal.WorkerLeases{
		{Worker: "host-a:4711", Entries: 2, Until: at.Add(time.Minute)},
		{Worker: "host-c:1", Entries: 2, Until: at.Add(90 * time.Second)},
	}}
	assert.Equal(t, want, got)
	fromList, err := journal.ReadActivity(t.Context(), mem, testMailing, time.Minute, clock.Now())
	require.NoError(t, err)
	assert.Equal(t, want, fromList, "the listing agrees")
	viaReader, err := journal.ReadActivity(t.Context(), pg, testMailing, time.Minute, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, want, viaReader, "ReadActivity asks the database")
	assert.InDelta(t, 0.05, got.Rate(), 1e-9)

	none, err := pg.Activity(t.Context(), "no-such-mailing", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, journal.Activity{At: at, Window: time.Minute}, none)
}
