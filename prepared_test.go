package mm_test

import (
	"context"
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Prepare sends nothing and reports nothing; DeliverPrepared sends and
// reports as Deliver does, for a sealed delivery and for a notification.
func TestPrepareThenDeliverPrepared(t *testing.T) {
	t.Parallel()
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	ds, err := s.Sender.Lookup(context.Background(), message.RecipientID(alice))
	require.NoError(t, err)
	require.True(t, ds[0].Digital)
	op := *ds[0].Operator
	ep := fakeinfra.OperatorEndpoint("kivra")

	for _, m := range []*message.Message{newMessage(alice).SetDefaults(), class1(alice).SetDefaults()} {
		before := len(s.events.kinds())
		p, err := s.Sender.Prepare(t.Context(), m, op)
		require.NoError(t, err)
		assert.Len(t, s.events.kinds(), before, "Prepare reports nothing")
		sent := s.Infra.Requests(ep)
		r, err := s.Sender.DeliverPrepared(context.Background(), p)
		require.NoError(t, err)
		assert.Equal(t, receipt.StateDelivered, r.State)
		assert.Equal(t, m.ID, r.MessageID)
		assert.Equal(t, sent+1, s.Infra.Requests(ep))
	}
	assert.Equal(t, []mm.EventKind{mm.EventDelivered, mm.EventNotified}, s.events.kinds())
	assert.Len(t, s.Infra.Mailbox(alice), 2)
}

// A refusal at Prepare is Deliver's: not sent, reported failed.
func TestPrepareRefusal(t *testing.T) {
	t.Parallel()
	s := start(t)
	op := message.Operator{ID: "165568402266", Name: "Nowhere", ServiceAddress: "http://203.0.113.7/deliver"}
	_, err := s.Sender.Prepare(t.Context(), newMessage(alice).SetDefaults(), op)
	require.ErrorIs(t, err, mm.ErrNotSent)
	assert.ErrorContains(t, err, "only https is used")
	assert.Equal(t, []mm.EventKind{mm.EventFailed}, s.events.kinds())
}
