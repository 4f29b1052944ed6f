package journal_test

import (
	"errors"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExtension checks the helpers other packages' journals build on: they
// are the rules Memory and SQLite apply.
func TestExtension(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	op := message.Operator{ID: "165599990001", Name: "Operatör A"}
	queued := journal.Entry{Mailing: "m", MessageID: "id-1", Recipient: "195303231855", State: journal.Queued, Payload: []byte("{}")}

	stored, err := journal.CheckRecord(nil, queued, at)
	require.NoError(t, err)
	assert.Equal(t, at, stored.Created)
	assert.Equal(t, at, stored.Updated)
	assert.Equal(t, []byte("{}"), stored.Payload)

	sending := queued
	sending.State, sending.Channel, sending.Operator, sending.Attempts = journal.Sending, receipt.Digital, op, 1
	sending.Payload, sending.Recipient = nil, ""
	sending.Lease = journal.Lease{Worker: "w1", Until: at.Add(time.Minute)}
	next, err := journal.CheckRecord(&stored, sending, at.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, at, next.Created, "Created stays")
	assert.Equal(t, at.Add(time.Second), next.Updated)
	assert.Equal(t, stored.Recipient, next.Recipient, "the stored recipient is kept")
	assert.Equal(t, []byte("{}"), next.Payload, "the payload is Load's")

	other := sending
	other.Lease.Worker = "w2"
	_, err = journal.CheckRecord(&next, other, at.Add(2*time.Second))
	assert.ErrorIs(t, err, journal.ErrLeaseLost)
	back := sending
	back.State = journal.Queued
	_, err = journal.CheckRecord(&next, back, at.Add(2*time.Second))
	var te *journal.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, journal.TransitionError{MessageID: "id-1", From: journal.Sending, To: journal.Queued}, *te)

	assert.EqualError(t, journal.CheckKey("", "id-1"), "journal: mailing name is empty")
	assert.EqualError(t, journal.CheckKey("m", ""), "journal: message ID is empty")
	assert.NoError(t, journal.CheckKey("m", "id-1"))
	assert.EqualError(t, journal.CheckClaim("m", "w", 1, 0), "journal: lease 0s is not positive")
	assert.NoError(t, journal.CheckClaim("m", "w", 0, time.Second))

	it := journal.Item{MessageID: "id-1", Recipient: "195303231855", Payload: []byte("{}")}
	assert.NoError(t, journal.CheckLoaded(&stored, it))
	it.Payload = []byte(`{"changed":true}`)
	assert.ErrorIs(t, journal.CheckLoaded(&stored, it), journal.ErrConflict)

	c := journal.NewCounts()
	c.Add(journal.Delivered, receipt.Digital, op.ID, 3)
	c.Add(journal.Queued, "", "", 2)
	assert.Equal(t, journal.Counts{Total: 5,
		State:    map[journal.State]int{journal.Delivered: 3, journal.Queued: 2},
		Channel:  map[receipt.Channel]int{receipt.Digital: 3},
		Operator: map[message.OrgNumber]int{op.ID: 3}}, c)
	assert.False(t, c.Done())

	// Config.Stamp is the clock as journals store it: UTC, no monotonic
	// reading; without a clock it reads time.Now.
	local := at.In(time.FixedZone("CET", 3600))
	stamp := journal.Config{Now: func() time.Time { return local }}.Stamp()
	assert.Equal(t, time.UTC, stamp.Location())
	assert.True(t, stamp.Equal(at))
	before := time.Now()
	assert.WithinRange(t, journal.Config{}.Stamp(), before.Add(-time.Second), time.Now().Add(time.Second))
}

// Gate lets calls in until Close, which waits for those in progress.
func TestGate(t *testing.T) {
	t.Parallel()
	var g journal.Gate
	release, err := g.Enter()
	require.NoError(t, err)
	closed := make(chan error)
	go func() { closed <- g.Close(func() error { return errors.New("shut") }) }()
	select {
	case <-closed:
		t.Fatal("Close did not wait for the call in progress")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	assert.EqualError(t, <-closed, "shut")
	_, err = g.Enter()
	assert.ErrorIs(t, err, journal.ErrClosed)
	assert.ErrorIs(t, g.Close(func() error { panic("runs once") }), journal.ErrClosed)
}
