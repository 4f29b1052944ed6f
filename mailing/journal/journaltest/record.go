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

// testRecord checks what Record stores and returns through Get: every
// field, the journal's timestamps, and all-or-nothing calls.
func testRecord(t *testing.T, h Harness) {
	f := open(t, h)

	_, err := f.j.Get(f.ctx, mailingName, id(1))
	assert.ErrorIs(t, err, journal.ErrNotFound)

	// A whole path in one call: each entry follows the one before it.
	p := path(1, journal.Delivered, receipt.Digital)
	f.record(p...)
	want := p[len(p)-1]
	want.Created, want.Updated = start, start
	assert.Equal(t, want, f.get(id(1)), "every field comes back")

	// Timestamps come from the journal's clock: Created stays, Updated
	// moves; a lease is kept as recorded.
	f.record(path(2, journal.LookedUp, receipt.Digital)...)
	f.clock.Advance(time.Minute)
	e := step(path(2, journal.LookedUp, receipt.Digital)[0], journal.Sending)
	e.Lease = journal.Lease{Worker: "w1", Until: start.Add(time.Hour)}
	f.record(e)
	got := f.get(id(2))
	assert.Equal(t, start, got.Created)
	assert.Equal(t, start.Add(time.Minute), got.Updated)
	assert.Equal(t, journal.Lease{Worker: "w1", Until: start.Add(time.Hour)}, got.Lease)
	assert.Equal(t, operatorA, got.Operator)
	assert.Equal(t, 1, got.Attempts)

	// A notification receipt with the operator's notice channels survives.
	n := step(got, journal.Delivered)
	n.Channel = receipt.Notification
	n.Receipt = &receipt.Receipt{MessageID: id(2), Recipient: persons[2], Class: 1, Channel: receipt.Notification,
		State: receipt.StateDelivered, Operator: message.Operator(operatorA), Delivered: true,
		NotifiedBy: []string{receipt.NotifiedSMS, receipt.NotifiedEMail}, At: start.In(time.FixedZone("CET", 3600)), Attempts: 1}
	require.ErrorIs(t, f.j.Record(f.ctx, n), journal.ErrTransition, "the channel may not change from digital to notification mid-request")
	f.record(path(3, journal.Queued, "")...)
	l := step(f.get(id(3)), journal.LookedUp)
	l.Channel = receipt.Notification
	s := step(l, journal.Sending)
	s.Channel = receipt.Notification
	d := step(s, journal.Delivered)
	d.Receipt = n.Receipt
	d.Receipt.MessageID, d.Receipt.Recipient = id(3), persons[3]
	f.record(l, s, d)
	got = f.get(id(3))
	require.NotNil(t, got.Receipt)
	assert.Equal(t, []string{receipt.NotifiedSMS, receipt.NotifiedEMail}, got.Receipt.NotifiedBy)
	assert.True(t, start.Equal(got.Receipt.At))
	assert.Equal(t, persons[3], got.Receipt.Recipient, "the receipt keeps the full number")
	assert.Equal(t, journal.Lease{}, got.Lease, "a terminal state releases the lease")

	// All or nothing: one refused entry keeps the others out.
	err = f.j.Record(f.ctx, queued(4), step(queued(5), journal.Delivered))
	assert.ErrorIs(t, err, journal.ErrTransition)
	for _, n := range []int{4, 5} {
		_, err := f.j.Get(f.ctx, mailingName, id(n))
		assert.ErrorIs(t, err, journal.ErrNotFound, "message %d", n)
	}

	// Recording an existing entry with no recipient keeps the one stored;
	// the payload is Load's and Record leaves it.
	its := items(6, 1)
	_, err = f.j.Load(f.ctx, mailingName, seq(its))
	require.NoError(t, err)
	e = step(queued(6), journal.LookedUp)
	e.Recipient, e.Payload = "", []byte("something else")
	f.record(e)
	got = f.get(id(6))
	assert.Equal(t, its[0].Recipient, got.Recipient)
	assert.Equal(t, its[0].Payload, got.Payload)

	// Failed may be requeued once the cause is fixed.
	f.record(path(7, journal.Failed, "")...)
	f.record(step(f.get(id(7)), journal.Queued))
	assert.Equal(t, journal.Queued, f.get(id(7)).State)
	assert.Empty(t, f.get(id(7)).Error)

	// Mailings are separate name spaces.
	other := queued(1)
	other.Mailing = "another-mailing"
	f.record(other)
	assert.Equal(t, journal.Delivered, f.get(id(1)).State)
	g, err := f.j.Get(f.ctx, "another-mailing", id(1))
	require.NoError(t, err)
	assert.Equal(t, journal.Queued, g.State)

	// Outside text is stored cleaned: a fault description with a personal
	// number and a line of its own in the error, the receipt's problem
	// and an operator's name.
	const hostile = "operatören: 195303231855 saknas\x1b[2K\rmm send: message delivered OK\n"
	const clean = "operatören: 19530323**** saknas\uFFFD[2K\\rmm send: message delivered OK\\n"
	u := withError(withAttempts(digital(8, journal.Unknown), 1), hostile)
	u.Operator.Name = hostile
	u.Receipt = deliveredReceipt(8)
	u.Receipt.State, u.Receipt.Problem, u.Receipt.Operator.Name = receipt.StateUnknown, hostile, hostile
	lookedUp := digital(8, journal.LookedUp)
	lookedUp.Operator.Name = hostile
	sending := withAttempts(digital(8, journal.Sending), 1)
	sending.Operator.Name = hostile
	f.record(lookedUp, sending, u)
	got = f.get(id(8))
	assert.Equal(t, clean, got.Error)
	assert.Equal(t, clean, got.Operator.Name)
	require.NotNil(t, got.Receipt)
	assert.Equal(t, clean, got.Receipt.Problem)
	assert.Equal(t, clean, got.Receipt.Operator.Name)
	assert.Equal(t, persons[8%len(persons)], got.Recipient, "the recipient itself stays whole")
}
