package soap

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const callID = "0123456789ABCDEFGHIJKLMNOP"

func TestCallRetries(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	tests := []struct {
		name     string
		steps    []http.HandlerFunc
		attempts int
	}{
		{"503 twice then success", []http.HandlerFunc{status(503), status(503), ok()}, 3},
		{"502 and 504 then success", []http.HandlerFunc{status(502), status(504), ok()}, 3},
		{"technical fault then success", []http.HandlerFunc{fault(1000, "database busy", callID), ok()}, 2},
		{"general technical fault 0 then success", []http.HandlerFunc{raw(500, ContentType, faultWithCode("0")), ok()}, 2},
		{"fault without detail, soap:Server, then success", []http.HandlerFunc{raw(500, ContentType, bareFault("S:Server")), ok()}, 2},
		{"connection closed then success", []http.HandlerFunc{dropConnection(false), ok()}, 2},
		{"connection reset then success", []http.HandlerFunc{dropConnection(true), ok()}, 2},
		{"first attempt succeeds", []http.HandlerFunc{ok()}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := newScript(tt.steps...)
			srv := startTLS(t, p, sc)
			c := newTestClient(t, p, Config{UserAgent: "test-agent"})

			resp, err := c.Call(t.Context(), srv.URL+"/svc", testEnvelope)
			require.NoError(t, err)
			assert.Equal(t, tt.attempts, resp.Attempts)
			assert.Equal(t, tt.attempts, sc.attempts())
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, string(AppendEnvelope(nil, []byte(testPayload))), string(resp.Body))
			if tt.attempts > 1 {
				assert.Positive(t, resp.Waited)
			}
			for i := range sc.attempts() {
				assert.Equal(t, string(testEnvelope), string(sc.body(i)), "attempt %d must resend the envelope byte for byte", i+1)
				h := sc.headers[i]
				assert.Equal(t, `""`, h.Get("SOAPAction"))
				assert.Equal(t, "text/xml; charset=utf-8", h.Get("Content-Type"))
				assert.Equal(t, "test-agent", h.Get("User-Agent"))
			}
			assert.Equal(t, testOrgNumber, sc.peers[0], "the organisation certificate is presented")
		})
	}
}

func faultWithCode(code string) string {
	return `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>x</faultstring>` +
		`<detail><ns2:applicationFault xmlns:ns2="` + NSCommonV3 + `"><ns2:ErrorCode>` + code + `</ns2:ErrorCode>` +
		`<ns2:Description>x</ns2:Description><ns2:CallId>` + callID + `</ns2:CallId></ns2:applicationFault></detail></S:Fault></S:Body></S:Envelope>`
}

func bareFault(code string) string {
	return `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>` + code +
		`</faultcode><faultstring>internal error</faultstring></S:Fault></S:Body></S:Envelope>`
}

func TestCallFailures(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	const retries = 2
	tests := []struct {
		name     string
		steps    []http.HandlerFunc
		attempts int
		is       error  // errors.Is target
		contains string // in the error text
		check    func(t *testing.T, err error)
	}{
		{
			name: "application fault is never retried", steps: []http.HandlerFunc{fault(CodeInvalidInput, "Felaktigt indata: Subject", callID), ok()},
			attempts: 1, contains: "soap fault 5001: Felaktigt indata: Subject (call id " + callID + ") (http 500)",
			check: func(t *testing.T, err error) {
				f, ok := errors.AsType[*Fault](err)
				require.True(t, ok, "want *Fault, got %T", err)
				assert.Equal(t, Fault{Code: 5001, Description: "Felaktigt indata: Subject", CallID: callID,
					FaultCode: "soap:Server", FaultString: "Felaktigt indata: Subject", HTTPStatus: 500}, *f)
				assert.False(t, f.Retryable())
			},
		},
		{
			name: "signer fault 6009 is never retried", steps: []http.HandlerFunc{fault(CodeSenderNotValidSigner, "x", callID), ok()},
			attempts: 1, contains: "soap fault 6009",
		},
		{
			name: "technical fault that lasts", steps: []http.HandlerFunc{fault(1000, "busy", callID)},
			attempts: retries + 1, contains: "after 3 attempts: soap fault 1000",
			check: func(t *testing.T, err error) {
				f, ok := errors.AsType[*Fault](err)
				require.True(t, ok)
				assert.Equal(t, 1000, f.Code)
				assert.True(t, f.Retryable())
			},
		},
		{
			name: "503 that lasts", steps: []http.HandlerFunc{status(503)},
			attempts: retries + 1, is: ErrNotSOAP, contains: "http 503",
		},
		{
			name: "503 with a soap body that lasts", steps: []http.HandlerFunc{raw(503, ContentType, string(AppendEnvelope(nil, []byte(testPayload))))},
			attempts: retries + 1, is: ErrStatus, contains: "http 503: unexpected http status",
		},
		{
			name: "500 html error page of a proxy", steps: []http.HandlerFunc{raw(500, "text/html", "<html><body>\n\n<h1>Bad gateway</h1>\x00 for 195303231855</body></html>")},
			attempts: 1, is: ErrNotSOAP, contains: `http 500: response is not soap (content type "text/html"): <html><body> <h1>Bad gateway</h1> for 19530323****</body></html>`,
			check: func(t *testing.T, err error) {
				re, ok := errors.AsType[*ResponseError](err)
				require.True(t, ok)
				assert.Equal(t, 500, re.StatusCode)
				assert.Equal(t, "text/html", re.ContentType)
			},
		},
		{
			name: "400 without body", steps: []http.HandlerFunc{status(400)},
			attempts: 1, is: ErrNotSOAP, contains: "http 400",
		},
		{
			name: "404 with a soap body", steps: []http.HandlerFunc{raw(404, ContentType, string(AppendEnvelope(nil, []byte(testPayload))))},
			attempts: 1, is: ErrStatus, contains: "http 404",
		},
		{
			name: "soap 1.2 content type", steps: []http.HandlerFunc{raw(200, "application/soap+xml; charset=utf-8", bareFault("S:Server"))},
			attempts: 1, is: ErrNotSOAP, contains: `content type "application/soap+xml; charset=utf-8"`,
		},
		{
			name: "latin-1 charset", steps: []http.HandlerFunc{raw(200, "text/xml; charset=ISO-8859-1", "<x/>")},
			attempts: 1, is: ErrNotSOAP,
		},
		{
			name: "malformed envelope", steps: []http.HandlerFunc{raw(200, ContentType, "<S:Envelope xmlns:S='"+NSEnvelope+"'><S:Body>")},
			attempts: 1, is: ErrMalformed, contains: "http 200: malformed soap envelope",
		},
		{
			name: "fault without detail as soap:Client", steps: []http.HandlerFunc{raw(500, ContentType, bareFault("S:Client"))},
			attempts: 1, contains: "soap fault soap:Client: internal error (http 500)",
		},
		{
			name: "429 asking for longer than RetryWaitMax", steps: []http.HandlerFunc{status(429, "Retry-After", "120"), ok()},
			attempts: 1, is: ErrNotSOAP, contains: "(retry after 2m0s)",
			check: func(t *testing.T, err error) {
				re, ok := errors.AsType[*ResponseError](err)
				require.True(t, ok)
				assert.Equal(t, 2*time.Minute, re.RetryAfter)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := newScript(tt.steps...)
			srv := startTLS(t, p, sc)
			c := newTestClient(t, p, Config{MaxRetries: retries})

			resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.Equal(t, tt.attempts, sc.attempts())
			ce, ok := errors.AsType[*CallError](err)
			require.True(t, ok, "want *CallError, got %T", err)
			assert.Equal(t, tt.attempts, ce.Attempts)
			assert.Equal(t, srv.URL, ce.URL)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Contains(t, err.Error(), tt.contains)
			assert.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1], "errors start in lower case")
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestCallHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	sc := newScript(status(429, "Retry-After", "1"), ok())
	srv := startTLS(t, p, sc)
	c := newTestClient(t, p, Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Second})

	resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, time.Second, resp.Waited, "the wait is what Retry-After asked, not the backoff")
}

func TestCallContext(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)

	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		t.Parallel()
		reached := make(chan struct{}, 10)
		sc := newScript(func(w http.ResponseWriter, _ *http.Request) {
			reached <- struct{}{}
			w.WriteHeader(503)
		})
		srv := startTLS(t, p, sc)
		c := newTestClient(t, p, Config{RetryWaitMin: time.Minute, RetryWaitMax: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-reached; time.Sleep(50 * time.Millisecond); cancel() }()

		start := time.Now()
		_, err := c.Call(ctx, srv.URL, testEnvelope)
		assert.Less(t, time.Since(start), 10*time.Second, "returns promptly, not after the minute's backoff")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, sc.attempts())
	})
	t.Run("already cancelled", func(t *testing.T) {
		t.Parallel()
		sc := newScript(ok())
		srv := startTLS(t, p, sc)
		c := newTestClient(t, p, Config{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.Call(ctx, srv.URL, testEnvelope)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, sc.attempts())
	})
	t.Run("deadline while the server thinks", func(t *testing.T) {
		t.Parallel()
		sc := newScript(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(20 * time.Second):
			}
		})
		srv := startTLS(t, p, sc)
		c := newTestClient(t, p, Config{})
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Call(ctx, srv.URL, testEnvelope)
		assert.Less(t, time.Since(start), 10*time.Second)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, sc.attempts(), "an expired context is not retried")
	})
}

func TestCallRefusesRedirects(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	target := newScript(ok())
	targetSrv := startTLS(t, p, target)
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			sc := newScript(status(code, "Location", targetSrv.URL+"/elsewhere"))
			srv := startTLS(t, p, sc)
			hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: p.ca.Pool()})
			require.NoError(t, err)
			hc.CheckRedirect = nil // a caller's client that would follow: the Client must not
			c := newTestClient(t, p, Config{HTTPClient: hc})

			_, err = c.Call(t.Context(), srv.URL, testEnvelope)
			require.ErrorIs(t, err, ErrRedirect)
			re, ok := errors.AsType[*ResponseError](err)
			require.True(t, ok)
			assert.Equal(t, code, re.StatusCode)
			assert.Equal(t, targetSrv.URL+"/elsewhere", re.Location)
			assert.Equal(t, 1, sc.attempts())
		})
	}
	// After every case: the target never saw a request.
	t.Cleanup(func() { assert.Equal(t, 0, target.attempts()) })
}

func TestCallRefusesPlainHTTP(t *testing.T) {
	t.Parallel()
	sc := newScript(ok())
	srv := httptest.NewServer(sc)
	t.Cleanup(srv.Close)
	c := newTestClient(t, sharedPKI(t), Config{})
	for _, u := range []string{srv.URL, "ftp://example.org/x", "https:///nohost", "://bad"} {
		_, err := c.Call(t.Context(), u, testEnvelope)
		assert.Error(t, err, u)
	}
	_, err := c.Call(t.Context(), srv.URL, testEnvelope)
	assert.ErrorIs(t, err, ErrInsecureURL)
	assert.Equal(t, 0, sc.attempts())
}

// TestCallBoundsLargeResponses is not parallel: it measures allocation,
// which other tests running at the same time would blur.
func TestCallBoundsLargeResponses(t *testing.T) {
	p := sharedPKI(t)
	const size = 50 << 20
	chunk := []byte(strings.Repeat("<a>xxxxxxxxxxxx</a>", 1<<12))
	stream := func(declare bool) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ContentType)
			if declare {
				w.Header().Set("Content-Length", strconv.Itoa(size))
			}
			w.WriteHeader(200)
			for n := 0; n < size; n += len(chunk) {
				if _, err := w.Write(chunk[:min(len(chunk), size-n)]); err != nil {
					return // the client hung up, as it should
				}
			}
		}
	}
	for _, tt := range []struct {
		name    string
		declare bool
	}{{"chunked", false}, {"content-length", true}} {
		t.Run(tt.name, func(t *testing.T) {
			sc := newScript(stream(tt.declare))
			srv := startTLS(t, p, sc)
			c := newTestClient(t, p, Config{})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := c.Call(t.Context(), srv.URL, testEnvelope)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, ErrTooLarge)
			assert.Contains(t, err.Error(), "8388608")
			assert.Equal(t, 1, sc.attempts())
			// Client and server share the process: the bound is on both,
			// at twice the 8 MiB limit, far below the 50 MB sent.
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2*DefaultMaxResponseBytes))
		})
	}
	t.Run("configured limit", func(t *testing.T) {
		sc := newScript(ok())
		srv := startTLS(t, p, sc)
		c := newTestClient(t, p, Config{MaxResponseBytes: 64})
		_, err := c.Call(t.Context(), srv.URL, testEnvelope)
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Contains(t, err.Error(), "limit 64")
	})
}

func TestNewConfig(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	tests := []struct {
		name string
		cfg  Config
		err  string
	}{
		{"no http client", Config{}, "HTTPClient is required"},
		{"negative wait", Config{HTTPClient: hc, RetryWaitMin: -1}, "must not be negative"},
		{"negative limit", Config{HTTPClient: hc, MaxResponseBytes: -1}, "must not be negative"},
		{"min above max", Config{HTTPClient: hc, RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "RetryWaitMin 1m0s is above RetryWaitMax 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			assert.Nil(t, c)
			assert.ErrorContains(t, err, tt.err)
		})
	}
	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		c, err := New(Config{HTTPClient: hc})
		require.NoError(t, err)
		assert.Equal(t, DefaultMaxRetries, c.retries)
		assert.Equal(t, DefaultRetryWaitMin, c.waitMin)
		assert.Equal(t, DefaultRetryWaitMax, c.waitMax)
		assert.Equal(t, int64(DefaultMaxResponseBytes), c.maxBytes)
		assert.Equal(t, DefaultUserAgent, c.userAgent)
		assert.NotSame(t, hc, c.http, "the caller's client is copied, not changed")
		assert.Nil(t, hc.CheckRedirect)
		assert.ErrorIs(t, c.http.CheckRedirect(nil, nil), http.ErrUseLastResponse)
	})
	t.Run("no retries", func(t *testing.T) {
		t.Parallel()
		p := sharedPKI(t)
		sc := newScript(status(503), ok())
		srv := startTLS(t, p, sc)
		c := newTestClient(t, p, Config{MaxRetries: -1})
		_, err := c.Call(t.Context(), srv.URL, testEnvelope)
		assert.ErrorContains(t, err, "http 503")
		assert.Equal(t, 1, sc.attempts())
	})
}

// TestCallKeepsConnections: failed calls do not close the pooled
// connections other calls use, so one connection serves them all.
func TestCallKeepsConnections(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	var mu sync.Mutex
	conns := 0
	sc := newScript(fault(CodeInvalidInput, "nej", callID), status(503), ok())
	s := httptest.NewUnstartedServer(sc)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	s.TLS = &tls.Config{Certificates: []tls.Certificate{p.srv.TLS()}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.ca.Pool()}
	s.StartTLS()
	t.Cleanup(s.Close)
	c := newTestClient(t, p, Config{MaxRetries: -1})

	for range 2 {
		_, err := c.Call(t.Context(), s.URL, testEnvelope)
		require.Error(t, err)
	}
	_, err := c.Call(t.Context(), s.URL, testEnvelope)
	require.NoError(t, err)
	assert.Equal(t, 3, sc.attempts())
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, conns, "one connection, kept across failed calls")
}

// countingTransport records the requests that reach the transport.
type countingTransport struct {
	rt          http.RoundTripper
	mu          sync.Mutex
	roundTrips  int
	withGetBody int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.roundTrips++
	if r.GetBody != nil {
		c.withGetBody++
	}
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

// TestCallEveryAttemptCounted: net/http gets no way to re-send a request
// on its own (no GetBody), so every request the server sees is an attempt
// of the retry policy. It used to re-send, now and then, a request that a
// server had read before dropping the connection.
func TestCallEveryAttemptCounted(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	sc := newScript(ok(), dropConnection(false), status(503), dropConnection(true), ok())
	srv := startTLS(t, p, sc)
	hc, err := NewHTTPClient(TLSConfig{Certificate: p.org.TLS(), Roots: p.ca.Pool()})
	require.NoError(t, err)
	ct := &countingTransport{rt: hc.Transport}
	hc.Transport = ct
	c := newTestClient(t, p, Config{HTTPClient: hc, MaxRetries: 5})

	first, err := c.Call(t.Context(), srv.URL, testEnvelope) // leaves a pooled connection to reuse
	require.NoError(t, err)
	resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
	require.NoError(t, err)
	assert.Equal(t, 1, first.Attempts)
	assert.Equal(t, 4, resp.Attempts)
	assert.Equal(t, 5, sc.attempts())
	ct.mu.Lock()
	defer ct.mu.Unlock()
	assert.Equal(t, 5, ct.roundTrips)
	assert.Zero(t, ct.withGetBody)
}
