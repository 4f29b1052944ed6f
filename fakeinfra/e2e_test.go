package fakeinfra_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole path with nothing but the fake and the packages below it: sign,
// seal, POST with plain net/http over mutual TLS, and find the message in
// the mailbox.
func TestDeliverEndToEnd(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.Mailbox("billo")))
	client := infra.HTTPClient()
	m := testMessage(alice)

	status, body := post(t, client, infra.OperatorURL("kivra"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), m))
	require.Equal(t, http.StatusOK, status, string(body))
	p, err := soap.ReadResponse(body)
	require.NoError(t, err)
	res, err := receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
	require.NoError(t, err)
	st, err := res.StatusFor(m.Recipient)
	require.NoError(t, err)
	assert.True(t, st.Delivered)
	assert.NotEmpty(t, res.TransID)

	box := infra.Mailbox("530323-1855")
	require.Len(t, box, 1)
	got := box[0]
	assert.Equal(t, "kivra", got.Operator)
	assert.Equal(t, m.ID, got.Message.ID)
	assert.Equal(t, m.Subject, got.Message.Subject)
	assert.Equal(t, fakeinfra.DefaultSenderOrg, got.SealedBy)
	assert.Equal(t, fakeinfra.DefaultSenderOrg, got.SignedBy)
	require.Len(t, got.Message.Attachments, 1)
	assert.True(t, bytes.Equal(m.Attachments[0].Data, got.Message.Attachments[0].Data), "attachment byte-equal")
	assert.Equal(t, res.TransID, got.TransID)

	notices := infra.Notifications()
	require.NotEmpty(t, notices)
	for _, n := range notices {
		assert.True(t, n.Neutral)
		assert.Equal(t, fakeinfra.NeutralText, n.Text)
		assert.NotContains(t, n.Text, m.Subject)
	}

	// A recipient whose mailbox is at another operator: Delivered=false.
	status, body = post(t, client, infra.OperatorURL("kivra"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(bob)))
	require.Equal(t, http.StatusOK, status, string(body))
	p, err = soap.ReadResponse(body)
	require.NoError(t, err)
	res, err = receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
	require.NoError(t, err)
	assert.False(t, res.Statuses[0].Delivered)
	assert.Empty(t, infra.Mailbox(bob))

	// A tampered signature: fault 5006, nothing stored.
	env := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(alice))
	env = bytes.Replace(env, []byte("Beslut om bygglov"), []byte("Beslut om bygglow"), 1)
	status, body = post(t, client, infra.OperatorURL("kivra"), env)
	assert.Equal(t, http.StatusInternalServerError, status)
	_, err = soap.ReadResponse(body)
	var f *soap.Fault
	require.True(t, errors.As(err, &f), "%v", err)
	assert.Equal(t, soap.CodeSignatureInvalid, f.Code)
	assert.Len(t, infra.Mailbox(alice), 1)
	assert.Equal(t, 3, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}
