package fakeinfra_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// decodeDelivery reads a deliverSecure answer with the code the SDK and the
// fake's tests use, to the end of the envelope.
func decodeDelivery(t *testing.T, env []byte) *receipt.DeliveryResult {
	t.Helper()
	p, err := soap.ReadResponse(env)
	require.NoError(t, err)
	res, err := receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
	require.NoError(t, err)
	require.NoError(t, p.End())
	return res
}

// A real operator's answer — prefixed, with a dozen unused namespace
// declarations — parses with the same code that reads the fake's answers,
// and the two have the same shape: both valid against the official XSD, a
// UUID as TransId, one Status for the one recipient.
func TestRealSampleAndFakeAnswerAlike(t *testing.T) {
	t.Parallel()
	sample := conformance.Sample(t, "deliverSecureResponse.xml")
	real := decodeDelivery(t, sample)
	assert.Equal(t, "3832352f-fa74-4c17-ab6a-a6e3ab8324f3", real.TransID)
	assert.Equal(t, []receipt.DeliveryStatus{{RecipientID: "192301010168", Delivered: true}}, real.Statuses)
	conformance.ValidateXSD(t, conformance.ServiceXSD, payloadOf(t, sample))

	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	status, env := post(t, infra.HTTPClient(), infra.OperatorURL("kivra"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(alice)))
	require.Equal(t, http.StatusOK, status, string(env))
	fake := decodeDelivery(t, env)
	conformance.ValidateXSD(t, conformance.ServiceXSD, payloadOf(t, env))
	assert.Regexp(t, uuidForm, real.TransID)
	assert.Regexp(t, uuidForm, fake.TransID)
	assert.Equal(t, []receipt.DeliveryStatus{{RecipientID: message.RecipientID(alice), Delivered: true}}, fake.Statuses)
}
