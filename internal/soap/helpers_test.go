package soap

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/testpki"
	"github.com/stretchr/testify/require"
)

const testOrgNumber = "162021004748"

// testPKI is a CA with an organisation (client) and a loopback server
// certificate.
type testPKI struct {
	ca  *testpki.CA
	org *testpki.Leaf
	srv *testpki.Leaf
}

// newPKI makes a CA with its certificates. Tests share the two PKIs
// below: every new certificate costs an RSA key, and with the race
// detector on, generating them dominates the run.
func newPKI(t *testing.T, name string) testPKI {
	t.Helper()
	ca, err := testpki.NewCA(name)
	require.NoError(t, err)
	org, err := ca.Org(testOrgNumber, "Kommun A")
	require.NoError(t, err)
	srv, err := ca.Server("localhost", "127.0.0.1")
	require.NoError(t, err)
	return testPKI{ca: ca, org: org, srv: srv}
}

var (
	pkiOnce, otherOnce sync.Once
	pkiMain, pkiOther  testPKI
)

// sharedPKI is the PKI of most tests.
func sharedPKI(t *testing.T) testPKI {
	pkiOnce.Do(func() { pkiMain = newPKI(t, "Test CA") })
	require.NotNil(t, pkiMain.ca)
	return pkiMain
}

// otherPKI is an unrelated CA, for certificates the server must refuse.
func otherPKI(t *testing.T) testPKI {
	otherOnce.Do(func() { pkiOther = newPKI(t, "Other CA") })
	require.NotNil(t, pkiOther.ca)
	return pkiOther
}

// startTLS starts a loopback server that requires and verifies client
// certificates of p's CA. tweak may change its TLS config before start.
func startTLS(t *testing.T, p testPKI, h http.Handler, tweak ...func(*tls.Config)) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.srv.TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.ca.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
	for _, f := range tweak {
		f(s.TLS)
	}
	// Handshake failures are what some tests provoke; they must not
	// reach stderr.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// newTestClient is a Client with p's organisation certificate and fast
// retries; cfg's non-zero fields win.
func newTestClient(t *testing.T, p testPKI, cfg Config) *Client {
	t.Helper()
	if cfg.HTTPClient == nil {
		hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: p.ca.Pool()})
		require.NoError(t, err)
		cfg.HTTPClient = hc
	}
	cfg.RetryWaitMin = orDefault(cfg.RetryWaitMin, time.Millisecond)
	cfg.RetryWaitMax = orDefault(cfg.RetryWaitMax, 10*time.Millisecond)
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// script answers the n-th request with steps[n], repeating the last step,
// and records what each request carried.
type script struct {
	mu      sync.Mutex
	steps   []http.HandlerFunc
	bodies  [][]byte
	headers []http.Header
	peers   []string // serialNumber of the client certificate's subject
}

func newScript(steps ...http.HandlerFunc) *script { return &script{steps: steps} }

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, body)
	s.headers = append(s.headers, r.Header.Clone())
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		s.peers = append(s.peers, r.TLS.PeerCertificates[0].Subject.SerialNumber)
	}
	step := s.steps[min(n, len(s.steps)-1)]
	s.mu.Unlock()
	step(w, r)
}

// attempts is how many requests reached the handler.
func (s *script) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func (s *script) body(i int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[i]
}

// testPayload is the element the test servers answer with.
const testPayload = `<pingResponse xmlns="urn:test"><value>pong</value></pingResponse>`

// testEnvelope is a request as a client sends it; the personal identity
// number lets tests check that bodies never reach a log.
var testEnvelope = AppendEnvelope(nil, []byte(`<ping xmlns="urn:test"><RecipientId>195303231855</RecipientId></ping>`))

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func ok() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeXML(w, http.StatusOK, AppendEnvelope(nil, []byte(testPayload)))
	}
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

func fault(code int, description, callID string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { WriteFault(w, code, description, callID) }
}

func raw(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// dropConnection closes the connection without an answer; with reset set
// it makes the close an RST (SO_LINGER 0), so the client sees ECONNRESET.
func dropConnection(reset bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*tls.Conn); ok && reset {
			if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			_ = tc.NetConn().Close()
			return
		}
		_ = conn.Close()
	}
}
