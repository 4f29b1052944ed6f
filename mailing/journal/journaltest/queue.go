package journaltest

import (
	"errors"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testLoad checks that Load is idempotent by message ID and refuses a
// changed message under a known ID.
func testLoad(t *testing.T, h Harness) {
	f := open(t, h)
	// More than any sensible batch, so that batching is exercised.
	its := items(0, 700)
	st, err := f.j.Load(f.ctx, mailingName, seq(its))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Added: 700}, st)

	st, err = f.j.Load(f.ctx, mailingName, seq(its))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Present: 700}, st, "loading again adds nothing")

	st, err = f.j.Load(f.ctx, mailingName, seq(items(650, 100)))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Added: 50, Present: 50}, st, "a longer input adds only what is new")

	c, err := f.j.Counts(f.ctx, mailingName)
	require.NoError(t, err)
	assert.Equal(t, 750, c.Total)
	assert.Equal(t, map[journal.State]int{journal.Queued: 750}, c.State)

	e := f.get(id(42))
	assert.Equal(t, its[42].Payload, e.Payload)
	assert.Equal(t, its[42].Recipient, e.Recipient)
	assert.Equal(t, journal.Queued, e.State)
	assert.Equal(t, start, e.Created)

	// A known ID with other content is a conflict, never an overwrite.
	changed := items(5, 1)
	changed[0].Payload = []byte(`{"subject":"changed"}`)
	_, err = f.j.Load(f.ctx, mailingName, seq(changed))
	assert.ErrorIs(t, err, journal.ErrConflict)
	changed = items(6, 1)
	changed[0].Recipient = persons[(6+1)%len(persons)]
	_, err = f.j.Load(f.ctx, mailingName, seq(changed))
	assert.ErrorIs(t, err, journal.ErrConflict)
	assert.Equal(t, its[5].Payload, f.get(id(5)).Payload)

	// The source's own error stops the load and comes back.
	boom := errors.New("line 3: unexpected end of JSON input")
	_, err = f.j.Load(f.ctx, mailingName, func(yield func(journal.Item, error) bool) {
		yield(journal.Item{}, boom)
	})
	assert.ErrorIs(t, err, boom)

	// An item that could never be sent is refused.
	bad := items(900, 1)
	bad[0].Recipient = "19530323****"
	_, err = f.j.Load(f.ctx, mailingName, seq(bad))
	assert.Error(t, err)
	_, err = f.j.Get(f.ctx, mailingName, id(900))
	assert.ErrorIs(t, err, journal.ErrNotFound)

	// Loaded entries go on through the state machine like recorded ones.
	f.record(step(f.get(id(7)), journal.LookedUp))
	st, err = f.j.Load(f.ctx, mailingName, seq(items(7, 1)))
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Present: 1}, st)
	assert.Equal(t, journal.LookedUp, f.get(id(7)).State, "loading again does not reset progress")
}

// testClaim checks leases: order, exclusivity, expiry, renewal, release,
// and that a worker whose lease was taken over cannot record.
func testClaim(t *testing.T, h Harness) {
	f := open(t, h)
	_, err := f.j.Load(f.ctx, mailingName, seq(items(0, 6)))
	require.NoError(t, err)
	lease := time.Minute

	got, err := f.j.Claim(f.ctx, mailingName, "w1", 3, lease)
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, e := range got {
		assert.Equal(t, id(i), e.MessageID, "claims come in load order")
		assert.Equal(t, journal.Lease{Worker: "w1", Until: start.Add(lease)}, e.Lease)
		assert.NotEmpty(t, e.Payload, "a claim carries the payload")
		assert.Equal(t, journal.Lease{Worker: "w1", Until: start.Add(lease)}, f.get(e.MessageID).Lease)
	}
	w2, err := f.j.Claim(f.ctx, mailingName, "w2", 10, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{id(3), id(4), id(5)}, ids(w2))
	none, err := f.j.Claim(f.ctx, mailingName, "w3", 10, lease)
	require.NoError(t, err)
	assert.Empty(t, none, "nothing is handed to two live leases")

	// Only the holder records; a recorded lease renews.
	other := step(got[0], journal.LookedUp)
	other.Lease.Worker = "w2"
	assert.ErrorIs(t, f.j.Record(f.ctx, other), journal.ErrLeaseLost)
	assert.ErrorIs(t, f.j.Record(f.ctx, step(queued(0), journal.LookedUp)), journal.ErrLeaseLost, "streaming records respect leases too")
	e0 := step(got[0], journal.LookedUp)
	e0.Lease.Until = start.Add(10 * time.Minute)
	f.record(e0)

	// A terminal state releases; a zero Until releases at once; a later
	// Until holds the entry back (retry after an Unknown).
	e1 := got[1]
	for _, s := range []journal.State{journal.LookedUp, journal.Sending, journal.Delivered} {
		e1 = step(e1, s)
		f.record(e1)
	}
	assert.Equal(t, journal.Lease{}, f.get(id(1)).Lease)
	e2 := step(got[2], journal.LookedUp)
	e2.Lease.Until = time.Time{}
	f.record(e2)
	e3 := w2[0]
	for _, s := range []journal.State{journal.LookedUp, journal.Sending, journal.Unknown} {
		e3 = step(e3, s)
	}
	e3.Lease.Until = start.Add(30 * time.Second)
	f.record(step(w2[0], journal.LookedUp), step(step(w2[0], journal.LookedUp), journal.Sending), e3)

	again, err := f.j.Claim(f.ctx, mailingName, "w3", 10, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{id(2)}, ids(again), "only the released entry")
	assert.Equal(t, journal.LookedUp, again[0].State, "a claim returns the entry as it stands")

	// Expiry: after two minutes w2's other leases and w3's lapse, and the
	// retry time of the Unknown has passed; w1's renewed lease holds.
	f.clock.Advance(2 * time.Minute)
	late, err := f.j.Claim(f.ctx, mailingName, "w4", 10, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{id(2), id(3), id(4), id(5)}, ids(late))
	assert.Equal(t, journal.Unknown, late[1].State, "an Unknown comes back to be re-sent")
	// w2 lost id(4) to w4.
	assert.ErrorIs(t, f.j.Record(f.ctx, step(w2[1], journal.LookedUp)), journal.ErrLeaseLost)

	f.clock.Advance(10 * time.Minute)
	last, err := f.j.Claim(f.ctx, mailingName, "w5", 1, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{id(0)}, ids(last), "a renewed lease expires at its new time")

	// Arguments.
	for _, c := range []struct {
		mailing, worker string
		n               int
		lease           time.Duration
	}{{"", "w", 1, lease}, {mailingName, "", 1, lease}, {mailingName, "w", -1, lease}, {mailingName, "w", 1, 0}} {
		_, err := f.j.Claim(f.ctx, c.mailing, c.worker, c.n, c.lease)
		assert.Error(t, err, "%+v", c)
	}
	zero, err := f.j.Claim(f.ctx, mailingName, "w6", 0, lease)
	require.NoError(t, err)
	assert.Empty(t, zero)
	empty, err := f.j.Claim(f.ctx, "no-such-mailing", "w6", 5, lease)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func ids(es []journal.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.MessageID
	}
	return out
}
