package journaltest

import (
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDurability closes and reopens the store: entries, leases, order,
// counts and the state machine all carry over.
func testDurability(t *testing.T, h Harness) {
	f := open(t, h)
	n := mix(f, 4)
	_, err := f.j.Load(f.ctx, mailingName, seq(items(1000, 5)))
	require.NoError(t, err)
	claimed, err := f.j.Claim(f.ctx, mailingName, "w1", 100, time.Hour)
	require.NoError(t, err)
	require.NotEmpty(t, claimed)

	before := f.list(journal.Filter{})
	countsBefore, err := f.j.Counts(f.ctx, mailingName)
	require.NoError(t, err)
	loaded := f.get(id(1000))

	f.reopen()

	assert.Equal(t, before, f.list(journal.Filter{}), "every entry, every field, in order")
	countsAfter, err := f.j.Counts(f.ctx, mailingName)
	require.NoError(t, err)
	assert.Equal(t, countsBefore, countsAfter)
	assert.Equal(t, loaded, f.get(id(1000)), "payload and lease")
	assert.Len(t, before, n+5)

	// Leases hold across the reopen, then expire as before.
	none, err := f.j.Claim(f.ctx, mailingName, "w2", 100, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, none)
	f.clock.Advance(2 * time.Hour)
	again, err := f.j.Claim(f.ctx, mailingName, "w2", 100, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, ids(claimed), ids(again))

	// The machine still holds: a delivered entry stays delivered, and a
	// load is still idempotent.
	delivered := f.list(journal.Filter{States: []journal.State{journal.Delivered}})
	require.NotEmpty(t, delivered)
	assert.ErrorIs(t, f.j.Record(f.ctx, step(delivered[0], journal.Unknown)), journal.ErrTransition)
	st, err := f.j.Load(f.ctx, mailingName, seq(items(1000, 5)))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Present: 5}, st)

	// And what is recorded after the reopen survives the next one.
	p := path(5000, journal.Paper, receipt.Paper)
	f.record(p...)
	f.reopen()
	assert.Equal(t, journal.Paper, f.get(id(5000)).State)
	assert.Equal(t, message.PaperNoMailbox, f.get(id(5000)).PaperReason)
}

// testClosed checks that a closed journal refuses every call.
func testClosed(t *testing.T, h Harness) {
	f := open(t, h)
	f.record(queued(1))
	require.NoError(t, f.j.Close())

	_, err := f.j.Get(f.ctx, mailingName, id(1))
	assert.ErrorIs(t, err, journal.ErrClosed)
	assert.ErrorIs(t, f.j.Record(f.ctx, queued(2)), journal.ErrClosed)
	_, err = f.j.Load(f.ctx, mailingName, seq(items(3, 1)))
	assert.ErrorIs(t, err, journal.ErrClosed)
	_, err = f.j.Claim(f.ctx, mailingName, "w", 1, time.Minute)
	assert.ErrorIs(t, err, journal.ErrClosed)
	_, err = f.j.Counts(f.ctx, mailingName)
	assert.ErrorIs(t, err, journal.ErrClosed)
	var listErr error
	for _, err := range f.j.List(f.ctx, mailingName, journal.Filter{}) {
		listErr = err
	}
	assert.ErrorIs(t, listErr, journal.ErrClosed)
	assert.ErrorIs(t, f.j.Close(), journal.ErrClosed)
}
