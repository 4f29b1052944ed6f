package forward_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingListener counts every byte a server receives, before TLS.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// hostile starts a TLS server with h, counting the bytes it receives.
func hostile(t *testing.T, srvCert tls.Certificate, clientCAs *x509.CertPool, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	var n atomic.Int64
	srv.Listener = countingListener{srv.Listener, &n}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{srvCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &n
}

// bigDelivery carries a 300 kB attachment, so that the byte count shows
// whether the message left.
func bigDelivery(infra *fakeinfra.Infra) *message.Delivery {
	d := delivery(infra, alice)
	d.Messages[0].Attachments[0].Data = make([]byte, 300_000)
	return d
}

// A FaR answer must not be able to send mail to an arbitrary host.
func TestOperatorAddressPolicy(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	c := newClient(t, infra)
	ctx := context.Background()

	t.Run("http is refused before any connection", func(t *testing.T) {
		_, err := c.Deliver(ctx, message.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: "http://127.0.0.1:1/service/v3"}, bigDelivery(infra), infra.SenderSigner())
		assert.ErrorIs(t, err, forward.ErrOperatorAddress)
		assert.ErrorContains(t, err, "only https")
	})
	t.Run("a certificate from an untrusted CA: refused at the handshake, nothing sent", func(t *testing.T) {
		otherCA, err := testpki.NewCA("Elsewhere CA")
		require.NoError(t, err)
		otherCert, err := otherCA.Server("127.0.0.1", "localhost")
		require.NoError(t, err)
		var handled atomic.Bool
		srv, received := hostile(t, otherCert.TLS(), infra.Roots(), http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handled.Store(true) }))
		_, err = c.Deliver(ctx, message.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: srv.URL + "/service/v3"}, bigDelivery(infra), infra.SenderSigner())
		require.Error(t, err)
		assert.ErrorContains(t, err, "certificate")
		var fe *forward.Error
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, receipt.StateFailed, fe.Receipt.State)
		assert.False(t, handled.Load())
		assert.Less(t, received.Load(), int64(20_000), "the 300 kB message never left")
	})
	t.Run("a redirect is refused, not followed, and fails the delivery", func(t *testing.T) {
		var handled atomic.Int32
		var expect atomic.Value
		srv, received := hostile(t, infra.ServerCertificate(), infra.Roots(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handled.Add(1)
			expect.Store(r.Header.Get("Expect"))
			_, _ = io.Copy(io.Discard, r.Body)
			http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusTemporaryRedirect)
		}))
		// The fake's CA issued this server's certificate, so the client
		// trusts it: only the redirect is wrong. The body reaches this
		// authenticated server (no "Expect: 100-continue", which would
		// cost a round trip on every delivery) and goes nowhere else.
		_, err := c.Deliver(ctx, message.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: srv.URL + "/service/v3"}, bigDelivery(infra), infra.SenderSigner())
		require.Error(t, err)
		assert.ErrorContains(t, err, "redirect")
		assert.EqualValues(t, 1, handled.Load(), "one attempt, not retried, not followed")
		assert.Equal(t, "", expect.Load(), "no Expect: 100-continue")
		assert.Greater(t, received.Load(), int64(300_000), "the body went to the server FaR named")
		assert.Less(t, received.Load(), int64(2*300_000), "once")
		var fe *forward.Error
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, receipt.StateFailed, fe.Receipt.State, "a redirect is a refusal: failed, not unknown")
		assert.Equal(t, receipt.Digital, fe.Receipt.Channel)
	})
	t.Run("allow-lists", func(t *testing.T) {
		strict := newClient(t, infra, func(cfg *forward.Config) {
			cfg.AllowedHosts = []string{"operator.example"}
		})
		_, err := strict.Deliver(ctx, operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
		assert.ErrorIs(t, err, forward.ErrOperatorAddress)
		byOrg := newClient(t, infra, func(cfg *forward.Config) { cfg.AllowedOperators = []message.OrgNumber{"165590010004"} })
		_, err = byOrg.Deliver(ctx, operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
		assert.ErrorIs(t, err, forward.ErrOperatorAddress)
		assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
	})
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	for name, cfg := range map[string]forward.Config{
		"no signer":      {HTTPClient: http.DefaultClient},
		"no client":      {Signer: infra.SenderSigner()},
		"bad host":       {Signer: infra.SenderSigner(), HTTPClient: http.DefaultClient, AllowedHosts: []string{"https://x"}},
		"bad allowed op": {Signer: infra.SenderSigner(), HTTPClient: http.DefaultClient, AllowedOperators: []message.OrgNumber{"123"}},
	} {
		_, err := forward.New(cfg)
		assert.ErrorIs(t, err, forward.ErrConfig, name)
	}
}
