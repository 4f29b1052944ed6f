package forward_test

import (
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

// Test personal numbers: no real people.
const (
	alice = testmsg.Alice
	bob   = testmsg.Bob
	carl  = testmsg.Carl
	dora  = testmsg.Dora
)

func newMessage(to string) *message.Message { return testmsg.New(to).SetDefaults() }

func delivery(infra *fakeinfra.Infra, to string) *message.Delivery {
	return message.NewDelivery(infra.Sender(), newMessage(to))
}

// newClient is an agency that is its own intermediary, talking to the fake.
func newClient(t testing.TB, infra *fakeinfra.Infra, mod ...func(*forward.Config)) *forward.Client {
	t.Helper()
	cfg := forward.Config{
		Signer:       infra.SenderSigner(),
		HTTPClient:   httpClient(t, infra, infra.SenderSigner().TLSCertificate(), 2*time.Second),
		Roots:        infra.Roots(),
		RetryWaitMin: 10 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond,
		Now:          infra.Now,
		// The fake's operators, and the tests' own servers, listen on
		// loopback.
		AllowLocalNetworks: infra.LocalNetworks(),
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := forward.New(cfg)
	require.NoError(t, err)
	return c
}

// httpClient makes the mutual-TLS client an agency would, with the SDK's
// transport and a read timeout.
func httpClient(t testing.TB, infra *fakeinfra.Infra, cert tls.Certificate, read time.Duration) *http.Client {
	t.Helper()
	c, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: cert, Roots: infra.Roots(), ReadTimeout: read})
	require.NoError(t, err)
	return c
}

func operator(t testing.TB, infra *fakeinfra.Infra, name string) message.Operator {
	t.Helper()
	op, ok := infra.Operator(name)
	require.True(t, ok, name)
	return message.Operator{ID: op.ID, Name: op.Name, ServiceAddress: op.ServiceAddress}
}

// wireToSealed turns the request back into the standalone documents
// xmlsec1 can check (see conformance.SealedFromWire).
func wireToSealed(t testing.TB, env []byte) (sealed, signed []byte) {
	t.Helper()
	sealed, signed, err := conformance.SealedFromWire(env)
	require.NoError(t, err)
	return sealed, signed
}
