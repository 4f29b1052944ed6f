package forward_test

import (
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Windows line ends in the subject and the support text are sent as LF:
// the signed form holds no carriage return, and the request verifies in
// the SDK, in xmlsec1 (both signatures) and in the operator's own checks,
// and validates against the XSD.
func TestCRLFTextIsSentAsLF(t *testing.T) {
	t.Parallel()
	infra, err := fakeinfra.New()
	require.NoError(t, err)
	defer infra.Close()
	for _, class := range []securityclass.Class{securityclass.Class2, securityclass.Class3} {
		m := newMessage(alice)
		m.Class = class
		m.Subject = "Beslut\r\nom bygglov"
		m.Support.Text = "Frågor?\r\nRing 08-123 45 67\rvardagar"
		req, err := forward.DeliverSecureRequest(message.NewDelivery(infra.Sender(), m), infra.SenderSigner(), infra.SenderSigner(), time.Now())
		require.NoError(t, err)
		s := string(req)
		assert.NotContains(t, s, "&#xD;")
		assert.NotContains(t, s, "\r")
		assert.Contains(t, s, "<msg3:Subject>Beslut\nom bygglov</msg3:Subject>")
		assert.Contains(t, s, "<msg3:Text>Frågor?\nRing 08-123 45 67\nvardagar</msg3:Text>")

		v, err := sign.Verify(req, sign.VerifyOptions{Roots: infra.Roots()})
		require.NoError(t, err)
		assert.Equal(t, "Beslut\nom bygglov", v.Delivery.Messages[0].Subject)
		assert.NoError(t, opverify.Verify(req))
		conformance.ValidatePayload(t, conformance.ServiceXSD, req)
		sealed, signed := wireToSealed(t, req)
		assert.NoError(t, conformance.Xmlsec1Verify(t, sealed, infra.CAPEM()))
		assert.NoError(t, conformance.Xmlsec1Verify(t, signed, infra.CAPEM()))
		assert.True(t, strings.HasPrefix(string(signed), "<SignedDelivery "))
	}
}
