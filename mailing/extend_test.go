package mailing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// TestExtension checks the helpers other packages' journals build on: they
// are the rules Memory and SQLite apply.
func TestExtension(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	op := receipt.Operator{ID: "165599990001", Name: "Operatör A"}
	queued := mailing.Entry{Mailing: "m", MessageID: "id-1", Recipient: "195303231855", State: mailing.Queued, Payload: []byte("{}")}

	stored, err := mailing.CheckRecord(nil, queued, at)
	require.NoError(t, err)
	assert.Equal(t, at, stored.Created)
	assert.Equal(t, at, stored.Updated)
	assert.Equal(t, []byte("{}"), stored.Payload)

	sending := queued
	sending.State, sending.Channel, sending.Operator, sending.Attempts = mailing.Sending, receipt.Digital, op, 1
	sending.Payload, sending.Recipient = nil, ""
	sending.Lease = mailing.Lease{Worker: "w1", Until: at.Add(time.Minute)}
	next, err := mailing.CheckRecord(&stored, sending, at.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, at, next.Created, "Created stays")
	assert.Equal(t, at.Add(time.Second), next.Updated)
	assert.Equal(t, stored.Recipient, next.Recipient, "the stored recipient is kept")
	assert.Equal(t, []byte("{}"), next.Payload, "the payload is Load's")

	other := sending
	other.Lease.Worker = "w2"
	_, err = mailing.CheckRecord(&next, other, at.Add(2*time.Second))
	assert.ErrorIs(t, err, mailing.ErrLeaseLost)
	back := sending
	back.State = mailing.Queued
	_, err = mailing.CheckRecord(&next, back, at.Add(2*time.Second))
	var te *mailing.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, mailing.TransitionError{MessageID: "id-1", From: mailing.Sending, To: mailing.Queued}, *te)

	assert.EqualError(t, mailing.CheckKey("", "id-1"), "mailing: mailing name is empty")
	assert.EqualError(t, mailing.CheckKey("m", ""), "mailing: message ID is empty")
	assert.NoError(t, mailing.CheckKey("m", "id-1"))
	assert.EqualError(t, mailing.CheckClaim("m", "w", 1, 0), "mailing: lease 0s is not positive")
	assert.NoError(t, mailing.CheckClaim("m", "w", 0, time.Second))

	it := mailing.Item{MessageID: "id-1", Recipient: "195303231855", Payload: []byte("{}")}
	assert.NoError(t, mailing.CheckLoaded(&stored, it))
	it.Payload = []byte(`{"changed":true}`)
	assert.ErrorIs(t, mailing.CheckLoaded(&stored, it), mailing.ErrConflict)

	c := mailing.NewCounts()
	c.Add(mailing.Delivered, receipt.Digital, op.ID, 3)
	c.Add(mailing.Queued, "", "", 2)
	assert.Equal(t, mailing.Counts{Total: 5,
		State:    map[mailing.State]int{mailing.Delivered: 3, mailing.Queued: 2},
		Channel:  map[receipt.Channel]int{receipt.Digital: 3},
		Operator: map[message.OrgNumber]int{op.ID: 3}}, c)
	assert.False(t, c.Done())

	assert.Nil(t, mailing.ReadOptions().Now, "no clock given: the journal uses its own")
	clock := func() time.Time { return at }
	got := mailing.ReadOptions(mailing.WithClock(clock)).Now
	require.NotNil(t, got)
	assert.Equal(t, at, got())
}
