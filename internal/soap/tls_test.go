package soap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	p, other := sharedPKI(t), otherPKI(t)
	noCert := func(t *testing.T) *http.Client {
		hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: p.ca.Pool()})
		require.NoError(t, err)
		hc.Transport.(*http.Transport).TLSClientConfig.Certificates = nil
		return hc
	}
	withCert := func(cert tls.Certificate, roots testPKI) func(t *testing.T) *http.Client {
		return func(t *testing.T) *http.Client {
			hc, err := NewHTTPClient(TLSConfig{Certificate: cert, Roots: roots.ca.Pool()})
			require.NoError(t, err)
			return hc
		}
	}
	tests := []struct {
		name   string
		client func(t *testing.T) *http.Client
		server []func(*tls.Config)
		want   string // in the error; "" for success
	}{
		{name: "organisation certificate of the trusted CA", client: withCert(p.org.TLS(), p)},
		{name: "tls 1.3 only server", client: withCert(p.org.TLS(), p), server: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 }}},
		{name: "tls 1.2 only server", client: withCert(p.org.TLS(), p), server: []func(*tls.Config){func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 }}},
		{name: "client without certificate", client: noCert, want: "certificate"},
		{name: "client certificate of another CA", client: withCert(other.org.TLS(), p), want: "certificate"},
		{name: "server certificate of another CA", client: withCert(p.org.TLS(), other), want: "certificate signed by unknown authority"},
		{name: "server that speaks only tls 1.1", client: withCert(p.org.TLS(), p), want: "protocol version",
			server: []func(*tls.Config){func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS11, tls.VersionTLS11 }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := newScript(ok())
			srv := startTLS(t, p, sc, tt.server...)
			c := newTestClient(t, p, Config{HTTPClient: tt.client(t), MaxRetries: 3})

			resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 1, resp.Attempts)
				assert.Equal(t, []string{testOrgNumber}, sc.peers)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, 0, sc.attempts(), "refused at the TLS layer, before HTTP")
			ce, ok := errors.AsType[*CallError](err)
			require.True(t, ok)
			assert.Equal(t, 1, ce.Attempts, "a TLS refusal is not retried")
		})
	}
}

func TestNewHTTPClient(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	t.Run("settings", func(t *testing.T) {
		t.Parallel()
		roots := p.ca.Pool()
		hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: roots, ReadTimeout: time.Minute})
		require.NoError(t, err)
		tr := hc.Transport.(*http.Transport)
		tc := tr.TLSClientConfig
		assert.Equal(t, uint16(tls.VersionTLS12), tc.MinVersion)
		assert.False(t, tc.InsecureSkipVerify)
		assert.Same(t, roots, tc.RootCAs)
		require.Len(t, tc.Certificates, 1)
		assert.Equal(t, p.org.Cert.Raw, tc.Certificates[0].Certificate[0])
		assert.Equal(t, DefaultConnectTimeout, tr.TLSHandshakeTimeout)
		assert.Equal(t, time.Minute, tr.ResponseHeaderTimeout)
		assert.Equal(t, DefaultMaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
		assert.Nil(t, tr.Proxy, "no proxy from the environment")
		assert.False(t, tr.DisableKeepAlives)
		assert.ErrorIs(t, hc.CheckRedirect(nil, nil), http.ErrUseLastResponse)
	})
	for _, tt := range []struct {
		name string
		cfg  TLSConfig
		want string
	}{
		{"no certificate", TLSConfig{Roots: p.ca.Pool()}, "client certificate with its private key is required"},
		{"tls 1.1", TLSConfig{Certificate: p.org.TLS(), MinVersion: tls.VersionTLS11}, "minimum version TLS 1.1 is below TLS 1.2"},
		{"negative timeout", TLSConfig{Certificate: p.org.TLS(), ReadTimeout: -time.Second}, "must not be negative"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hc, err := NewHTTPClient(tt.cfg)
			assert.Nil(t, hc)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestReadTimeout: a server that sends headers and then stalls in the
// body is cut off by the per-read timeout, and the timeout is retried.
func TestReadTimeout(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	const stallFor = 30 * time.Second
	hungUp := make(chan time.Duration, 1)
	stall := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.WriteHeader(200)
		_, _ = w.Write([]byte("<S:Envelope "))
		_ = http.NewResponseController(w).Flush()
		start := time.Now()
		select {
		case <-r.Context().Done():
			hungUp <- time.Since(start)
		case <-time.After(stallFor):
		}
	}
	sc := newScript(stall, ok())
	srv := startTLS(t, p, sc)
	hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: p.ca.Pool(), ReadTimeout: time.Second})
	require.NoError(t, err)
	c := newTestClient(t, p, Config{HTTPClient: hc})

	resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, resp.Attempts, 2, "the stalled attempt is retried")
	select {
	case d := <-hungUp:
		assert.Less(t, d, stallFor/2, "the client hung up long before the server gave up")
	case <-time.After(stallFor):
		t.Fatal("the client never hung up on the stalled answer")
	}
}

// timeoutErr is an error that says it is a timeout, as net/http's own
// "Client.Timeout exceeded" does.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "timeout exceeded" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestRetryableErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"technical fault", &Fault{Code: 1}, true},
		{"application fault", &Fault{Code: 5001, HTTPStatus: 500}, false},
		{"response error", &ResponseError{StatusCode: 500, Err: ErrNotSOAP}, false},
		{"malformed", malformed("x"), false},
		{"peer's tls alert", &net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}, false},
		{"dns not found", &net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{"dns timeout", &net.DNSError{Err: "timeout", IsTimeout: true}, true},
		// What net/http returns when a read times out on a connection it
		// then calls broken: url.Error's own Timeout says no.
		{"read timeout on a broken connection", &url.Error{Op: "Post", URL: "https://127.0.0.1/service/v3",
			Err: fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w",
				&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded})}, true},
		{"connection closed under the call", &url.Error{Op: "Post", URL: "https://127.0.0.1/service/v3",
			Err: &net.OpError{Op: "set", Net: "tcp", Err: net.ErrClosed}}, true},
		{"client timeout", &url.Error{Op: "Post", URL: "https://127.0.0.1/", Err: timeoutErr{}}, true},
		{"anything else", errors.New("something odd"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, retryable(tt.err))
		})
	}
}
