package soap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of Config, used where a field is zero.
const (
	DefaultMaxRetries   = 3
	DefaultRetryWaitMin = 1 * time.Second
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultMaxResponseBytes bounds a response body: a FaR answer for the
	// maximum of 1000 recipients is about 1 MiB, so 8 MiB leaves room for
	// verbose servers while keeping memory per call bounded.
	DefaultMaxResponseBytes = 8 << 20
	DefaultUserAgent        = "github.com/avsandare/mm"
)

// ErrInsecureURL: Call was given a URL that is not https. Mail and lookups
// go over mutual TLS only (SPEC §7).
var ErrInsecureURL = errors.New("url is not https")

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// HTTPClient sends the requests; NewHTTPClient makes one for mutual
	// TLS. Required. The Client uses a copy whose CheckRedirect refuses
	// every redirect, whatever this one does.
	HTTPClient *http.Client
	// MaxRetries is how many times a call is retried after its first
	// attempt: 0 means DefaultMaxRetries, a negative value none.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// attempts. A Retry-After longer than RetryWaitMax is not waited for:
	// the call fails at once, with the wait in ResponseError.RetryAfter.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxResponseBytes caps a response body; larger ones fail with
	// ErrTooLarge.
	MaxResponseBytes int64
	// Logger receives retries (warn) and attempts (debug); nil is silent.
	// Bodies are never logged, server error descriptions neither, and
	// digit runs that could be personal identity numbers are masked.
	Logger *slog.Logger
	// UserAgent is sent with every request.
	UserAgent string
	// OnRetry, when set, is called before each attempt after the first,
	// with the call's context: for telemetry. It must be quick.
	OnRetry func(ctx context.Context, r Retry)
}

// Client posts SOAP envelopes and reads the answers, retrying what may
// succeed later. It is safe for concurrent use.
//
// Retried, with exponential backoff and jitter between RetryWaitMin and
// RetryWaitMax:
//
//   - network failures: connection refused, reset or aborted, a connection
//     closed before the answer, timeouts, temporary DNS failures. A call
//     that reached the server may thus be sent twice; deliveries carry
//     their message ID as idempotency key (SPEC §3), and lookups change
//     nothing.
//   - HTTP 502, 503 and 504, and 429, honouring Retry-After (seconds or an
//     HTTP date) when it fits within RetryWaitMax.
//   - SOAP faults whose Retryable says so: technical codes 0–4999, and
//     faults without a readable code unless their faultcode blames the
//     request (see Fault).
//
// Never retried: application faults (5000–9999), faults without a code
// whose faultcode is soap:Client (or VersionMismatch, MustUnderstand),
// every other status,
// redirects, answers that are not SOAP or too large, TLS refusals and
// certificates that do not verify (a retry cannot change them), and any
// call whose context is done — it returns at once with the context's error.
type Client struct {
	http      *http.Client
	retries   int
	waitMin   time.Duration
	waitMax   time.Duration
	maxBytes  int64
	log       *slog.Logger
	userAgent string
	onRetry   func(context.Context, Retry)
}

// Response is a SOAP answer that is not a fault.
type Response struct {
	StatusCode int
	// Body is the whole envelope; read it with ReadResponse or Unmarshal.
	Body     []byte
	Attempts int           // 1 when the first attempt succeeded
	Waited   time.Duration // total time spent waiting between attempts
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.HTTPClient == nil {
		return nil, errors.New("soap: config: HTTPClient is required (see NewHTTPClient)")
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.MaxResponseBytes < 0 {
		return nil, errors.New("soap: config: RetryWaitMin, RetryWaitMax and MaxResponseBytes must not be negative")
	}
	c := &Client{
		retries:   orDefault(cfg.MaxRetries, DefaultMaxRetries),
		waitMin:   orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin),
		waitMax:   orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax),
		maxBytes:  orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		log:       cfg.Logger,
		userAgent: orDefault(cfg.UserAgent, DefaultUserAgent),
		onRetry:   cfg.OnRetry,
	}
	if c.retries < 0 {
		c.retries = 0
	}
	if c.waitMin > c.waitMax {
		return nil, fmt.Errorf("soap: config: RetryWaitMin %s is above RetryWaitMax %s", c.waitMin, c.waitMax)
	}
	hc := *cfg.HTTPClient
	hc.CheckRedirect = refuseRedirect
	hc.Transport = keepIdle{orDefault[http.RoundTripper](hc.Transport, http.DefaultTransport)}
	c.http = &hc
	return c, nil
}

// keepIdle hides the transport's CloseIdleConnections from retryablehttp,
// which calls it after every failed call: with many calls in parallel, each
// application fault would otherwise drop the whole pool of open
// connections, and every other call would pay a new mutual-TLS handshake.
type keepIdle struct{ rt http.RoundTripper }

func (k keepIdle) RoundTrip(r *http.Request) (*http.Response, error) { return k.rt.RoundTrip(r) }

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// refuseRedirect makes net/http hand a 3xx back instead of following it;
// readResponse turns it into ErrRedirect.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Call posts envelope (a whole SOAP envelope, as AppendEnvelope makes) to
// rawURL, which must be https, and returns the answer. What may succeed
// later is retried as Client describes, the envelope re-sent byte for byte;
// anything else fails at once. An error is a *CallError wrapping the last
// attempt's error: use errors.As for *Fault and *ResponseError, errors.Is
// for the sentinels and for context.Canceled and context.DeadlineExceeded.
//
// The whole body is read (up to MaxResponseBytes), but only its start is
// parsed, to tell a fault from a payload; the caller's own decoding
// (ReadResponse then Payload.End, or Unmarshal) checks the rest.
func (c *Client) Call(ctx context.Context, rawURL string, envelope []byte) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("soap: url: %w", err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("soap: %w: %s", ErrInsecureURL, safeURL(u))
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, rawURL, envelope)
	if err != nil {
		return nil, fmt.Errorf("soap: request: %w", err)
	}
	// Without GetBody net/http cannot re-send the request on its own
	// (it does so on a reused connection it believes unwritten, and was
	// seen to re-send requests the server had read): every attempt then
	// goes through the retry policy, counted and logged.
	req.GetBody = nil
	h := req.Header
	h.Set("Content-Type", ContentType)
	h.Set("SOAPAction", SOAPAction)
	h.Set("Accept", "text/xml")
	h.Set("User-Agent", c.userAgent)
	// No "Expect: 100-continue": it costs a whole round trip per call
	// (the body waits for the server's interim answer), which at 50 ms
	// halved a mailing's throughput. What it guarded against — a body
	// sent to a server that would refuse it — is settled before the
	// request is written: the server is authenticated by mutual TLS and
	// its address by the caller's policy.

	st := &call{c: c, url: safeURL(u)}
	req.SetResponseHandler(st.handle)
	rc := &retryablehttp.Client{
		HTTPClient:     c.http,
		RetryWaitMin:   c.waitMin,
		RetryWaitMax:   c.waitMax,
		RetryMax:       c.retries,
		RequestLogHook: st.beforeAttempt,
		CheckRetry:     st.checkRetry,
		Backoff:        st.backoff,
		// The default handler drops the last response and its fault;
		// passing it through keeps the typed error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if c.log != nil {
		rc.Logger = leveled{c.log} // left nil otherwise: retryablehttp then logs nothing
	}
	resp, err := rc.Do(req)
	if resp != nil {
		if err == nil && !st.handled {
			// Retries ran out on a status (503…): the body was never read.
			_, err = c.readResponse(resp)
		}
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, &CallError{URL: st.url, Attempts: st.attempts, Waited: st.waited, Err: err}
	}
	return &Response{StatusCode: resp.StatusCode, Body: st.body, Attempts: st.attempts, Waited: st.waited}, nil
}

// safeURL is a URL fit for errors and logs: no user information, query or
// fragment.
func safeURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return v.String()
}

// call is the state of one Call across its attempts.
type call struct {
	c        *Client
	url      string
	attempts int
	waited   time.Duration
	handled  bool   // the current attempt's body was read
	body     []byte // the current attempt's body
	retry    Retry  // why the next attempt is made, for OnRetry
}

// beforeAttempt runs before every attempt (retryablehttp's request hook).
func (st *call) beforeAttempt(_ retryablehttp.Logger, req *http.Request, i int) {
	st.attempts = i + 1
	st.handled, st.body = false, nil
	if i > 0 && st.c.onRetry != nil {
		st.retry.Attempt = st.attempts
		st.c.onRetry(req.Context(), st.retry)
	}
}

// handle reads the body of an attempt that retryablehttp would not retry
// on its status alone; its error goes back through checkRetry, so that a
// technical fault is retried.
func (st *call) handle(resp *http.Response) error {
	st.handled = true
	var err error
	st.body, err = st.c.readResponse(resp)
	return err
}

// readResponse reads and classifies a response. The body stays open: the
// caller closes it.
func (c *Client) readResponse(resp *http.Response) ([]byte, error) {
	status := resp.StatusCode
	if status >= 300 && status <= 399 {
		return nil, &ResponseError{StatusCode: status, Location: resp.Header.Get("Location"), Err: ErrRedirect}
	}
	ct := resp.Header.Get("Content-Type")
	if err := CheckContentType(ct); err != nil {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, snippetLen))
		return nil, &ResponseError{StatusCode: status, ContentType: ct, Snippet: sanitise(head),
			RetryAfter: retryAfterOf(resp, time.Now()), Err: ErrNotSOAP}
	}
	body, err := readLimited(resp.Body, resp.ContentLength, c.maxBytes)
	if errors.Is(err, ErrTooLarge) {
		return nil, &ResponseError{StatusCode: status, ContentType: ct, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err) // a transport error, perhaps retryable
	}
	_, err = ReadResponse(body)
	if f, ok := errors.AsType[*Fault](err); ok {
		f.HTTPStatus = status
		return body, f
	}
	if err != nil {
		return body, &ResponseError{StatusCode: status, ContentType: ct, Snippet: sanitise(body), Err: err}
	}
	if status != http.StatusOK {
		return body, &ResponseError{StatusCode: status, ContentType: ct, RetryAfter: retryAfterOf(resp, time.Now()), Err: ErrStatus}
	}
	return body, nil
}

// readLimited reads at most limit bytes, failing with ErrTooLarge beyond:
// a declared length is checked before anything is read, an undeclared one
// after limit+1 bytes. It reads into chunks joined once at the end, so that
// memory stays near the body's size: a doubling buffer would allocate
// about four times the limit before refusing a body that exceeds it.
func readLimited(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", ErrTooLarge, declared, limit)
	}
	const chunkSize = 64 << 10
	size := int64(chunkSize)
	if declared >= 0 {
		size = declared + 1 // one read past the end meets EOF in the same chunk
	}
	var chunks [][]byte
	var total int64
	for {
		chunk := make([]byte, 0, min(size, limit+1-total))
		for len(chunk) < cap(chunk) {
			n, err := r.Read(chunk[len(chunk):cap(chunk)])
			chunk = chunk[:len(chunk)+n]
			if errors.Is(err, io.EOF) {
				if len(chunks) == 0 {
					return chunk, nil
				}
				return bytes.Join(append(chunks, chunk), nil), nil
			}
			if err != nil {
				return nil, err
			}
		}
		chunks = append(chunks, chunk)
		total += int64(len(chunk))
		if total > limit {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		size = chunkSize
	}
}

// CheckContentType checks a Content-Type header value for SOAP 1.1:
// text/xml, with charset absent or utf-8 (case-insensitive). The error wraps
// ErrNotSOAP. Servers use it on requests, clients on responses.
func CheckContentType(v string) error {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "text/xml" {
		return fmt.Errorf("%w: content type %q is not text/xml", ErrNotSOAP, v)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Errorf("%w: charset %q is not utf-8", ErrNotSOAP, cs)
	}
	return nil
}
