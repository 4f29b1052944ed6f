package journaltest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/receipt"
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

	before := f.list(mailing.Filter{})
	countsBefore, err := f.j.Counts(f.ctx, mailingName)
	require.NoError(t, err)
	loaded := f.get(id(1000))

	f.reopen()

	assert.Equal(t, before, f.list(mailing.Filter{}), "every entry, every field, in order")
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
	delivered := f.list(mailing.Filter{States: []mailing.State{mailing.Delivered}})
	require.NotEmpty(t, delivered)
	assert.ErrorIs(t, f.j.Record(f.ctx, step(delivered[0], mailing.Unknown)), mailing.ErrTransition)
	st, err := f.j.Load(f.ctx, mailingName, seq(items(1000, 5)))
	require.NoError(t, err)
	assert.Equal(t, mailing.LoadStats{Present: 5}, st)

	// And what is recorded after the reopen survives the next one.
	p := path(5000, mailing.Paper, receipt.Paper)
	f.record(p...)
	f.reopen()
	assert.Equal(t, mailing.Paper, f.get(id(5000)).State)
	assert.Equal(t, "no-mailbox", f.get(id(5000)).PaperReason)
}

// testClosed checks that a closed journal refuses every call.
func testClosed(t *testing.T, h Harness) {
	f := open(t, h)
	f.record(queued(1))
	require.NoError(t, f.j.Close())

	_, err := f.j.Get(f.ctx, mailingName, id(1))
	assert.ErrorIs(t, err, mailing.ErrClosed)
	assert.ErrorIs(t, f.j.Record(f.ctx, queued(2)), mailing.ErrClosed)
	_, err = f.j.Load(f.ctx, mailingName, seq(items(3, 1)))
	assert.ErrorIs(t, err, mailing.ErrClosed)
	_, err = f.j.Claim(f.ctx, mailingName, "w", 1, time.Minute)
	assert.ErrorIs(t, err, mailing.ErrClosed)
	_, err = f.j.Counts(f.ctx, mailingName)
	assert.ErrorIs(t, err, mailing.ErrClosed)
	var listErr error
	for _, err := range f.j.List(f.ctx, mailingName, mailing.Filter{}) {
		listErr = err
	}
	assert.ErrorIs(t, listErr, mailing.ErrClosed)
	assert.ErrorIs(t, f.j.Close(), mailing.ErrClosed)
}
