package sign

import (
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DeliverSecureRequest writes the request reference senders send: every
// element prefixed, the namespaces declared once on soap:Envelope. It
// verifies here, passes the operator's own checks, validates against the
// XSD, and says what the prefix-free deliverSecure element says.
func TestDeliverSecureRequest(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	_, sealed := signedAndSealed(t, c)
	req, err := DeliverSecureRequest(sealed)
	require.NoError(t, err)
	s := string(req)
	assert.True(t, strings.HasPrefix(s, `<soap:Envelope xmlns:soap="`+message.NSSOAP+`" xmlns:svc3=`), s[:200])
	assert.Contains(t, s, `<soap:Body><svc3:deliverSecure><svc3:deliverSecure><msg3:SignedDelivery><msg3:Delivery>`)
	assert.Contains(t, s, `</ds:Signature></msg3:SignedDelivery><msg3:Seal><msg:ReceivedTime>`)
	assert.True(t, strings.HasSuffix(s, `</ds:Signature></svc3:deliverSecure></svc3:deliverSecure></soap:Body></soap:Envelope>`))
	assert.NotContains(t, s, "xmlns=", "no default namespace anywhere")
	assert.Equal(t, 1, strings.Count(s, "xmlns:ds="), "each namespace declared once")

	v, err := Verify(req, opts(c))
	require.NoError(t, err)
	assert.Len(t, v.Levels, 2)
	assert.NoError(t, opverify.Verify(req))
	conformance.ValidatePayload(t, conformance.ServiceXSD, req)
	docs, err := opverify.Documents(req)
	require.NoError(t, err)
	assert.Equal(t, string(sealed), string(docs[0]), "the operator rebuilds the sealed document byte for byte")

	_, err = DeliverSecureRequest([]byte("<x/>"))
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = DeliverSecureRequest(append(append([]byte{}, sealedOpen...), "<Seal></Seal></SealedDelivery>"...))
	assert.ErrorIs(t, err, ErrMalformed)
}
