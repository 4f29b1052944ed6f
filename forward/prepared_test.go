package forward_test

import (
	"context"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Prepare signs and seals without sending; Send delivers exactly the
// prepared request, and sending it again is a repeat the operator answers
// from what it stored.
func TestPrepareThenSend(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := newClient(t, infra)
	kivra := operator(t, infra, "kivra")
	ep := fakeinfra.OperatorEndpoint("kivra")

	p, err := c.Prepare(t.Context(), kivra, delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Zero(t, infra.Requests(ep), "Prepare sends nothing")
	assert.Contains(t, string(p.Request()), "<msg3:Seal>", "signed and sealed")

	first, err := c.Send(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, first.Receipt.State)
	assert.Equal(t, p.Request(), first.Request, "the proof holds the prepared request")
	assert.Equal(t, receipt.RequestSHA256(p.Request()), first.Receipt.SealedSHA256)
	require.NoError(t, first.Check())

	again, err := c.Send(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, first.Receipt.TransID, again.Receipt.TransID, "the operator answers the repeat from what it stored")
	assert.Equal(t, 1, again.Receipt.Attempts, "each Send counts its own attempts")
	assert.Equal(t, 2, infra.Requests(ep))
	assert.Equal(t, 1, infra.Duplicates())
	assert.Len(t, infra.Mailbox(alice), 1)
}

// Prepare refuses what Deliver refuses, before anything leaves.
func TestPrepareRefusesLocally(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	stranger, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	c := newClient(t, infra)
	_, err = c.Prepare(t.Context(), operator(t, infra, "kivra"), delivery(infra, alice), stranger)
	assert.ErrorIs(t, err, forward.ErrNotAuthorised)
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}
