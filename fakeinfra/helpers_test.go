package fakeinfra_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/require"
)

// Test identities: test personal numbers, no real people.
const (
	alice = testmsg.Alice
	bob   = testmsg.Bob
	carl  = testmsg.Carl
)

func testMessage(to string) *message.Message { return testmsg.New(to).SetDefaults() }

// sealedRequest signs and seals m as the fake's sender and returns the SOAP
// request an operator receives.
func sealedRequest(t testing.TB, infra *fakeinfra.Infra, s *sign.Signer, sender message.Sender, m *message.Message) []byte {
	t.Helper()
	signed, err := s.SignDelivery(message.NewDelivery(sender, m), sign.OnBehalfOf(sender.ID))
	require.NoError(t, err)
	sealed, err := s.Seal(signed, infra.Now())
	require.NoError(t, err)
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	return req
}

// post sends a SOAP request with a plain net/http client.
func post(t testing.TB, c *http.Client, url string, env []byte) (int, []byte) {
	t.Helper()
	status, b, err := attempt(c, url, env)
	require.NoError(t, err)
	return status, b
}

// attempt is post reporting a broken connection as an error instead of
// failing the test.
func attempt(c *http.Client, url string, env []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(env))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
