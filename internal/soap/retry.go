package soap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The retry policy is documented on Client.

// checkRetry is retryablehttp's CheckRetry for one call. It runs after each
// attempt, and once more with the body's verdict (see call.handle) when the
// status alone did not ask for a retry.
func (st *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	ra := retryAfterOf(resp, time.Now())
	if ra > st.c.waitMax {
		return false, nil // the caller decides whether to come back that late
	}
	if err != nil {
		st.retry = Retry{Err: err}
		return retryable(err), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false, nil
	}
	st.retry = Retry{Status: resp.StatusCode}
	// retryablehttp logs failed attempts, but not statuses it retries.
	if st.c.log != nil && st.attempts <= st.c.retries {
		st.c.log.LogAttrs(ctx, slog.LevelWarn, "soap: server busy, will retry",
			slog.String("url", st.url), slog.Int("attempt", st.attempts),
			slog.Int("status", resp.StatusCode), slog.Duration("retry_after", ra))
	}
	return true, nil
}

// retryable classifies an attempt's error.
func retryable(err error) bool {
	if f, ok := errors.AsType[*Fault](err); ok {
		return f.Retryable()
	}
	if _, ok := errors.AsType[*ResponseError](err); ok || errors.Is(err, ErrMalformed) {
		return false
	}
	if tlsRefusal(err) {
		return false
	}
	if timedOut(err) {
		return true
	}
	if dns, ok := errors.AsType[*net.DNSError](err); ok {
		return dns.IsTimeout || dns.IsTemporary
	}
	for _, transient := range []error{
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH,
		io.EOF, io.ErrUnexpectedEOF, // the server closed the connection before answering
		net.ErrClosed, // the connection was torn down under a call in flight (after a reset)
	} {
		if errors.Is(err, transient) {
			return true
		}
	}
	return false
}

// timedOut reports whether any error in err's chain is a timeout. Asking
// only the first net.Error is not enough: net/http wraps a read that timed
// out on a broken connection as *url.Error → *fmt.wrapError → *net.OpError,
// and url.Error's Timeout looks at its direct cause only, which says no.
func timedOut(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if t, ok := e.(interface{ Timeout() bool }); ok && t.Timeout() {
			return true
		}
	}
	return false
}

// tlsRefusal reports a TLS failure that a retry cannot mend: the peer's
// alert (bad or missing client certificate, protocol version), a server
// certificate that does not verify, or a peer that does not speak TLS.
func tlsRefusal(err error) bool {
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "remote error" {
		return true // crypto/tls reports the peer's alerts so
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		return true
	}
	if _, ok := errors.AsType[tls.AlertError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return true
	}
	_, ok := errors.AsType[x509.CertificateInvalidError](err)
	return ok
}

// backoff is retryablehttp's Backoff for one call; it adds up the waits.
func (st *call) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	d := st.c.wait(attempt, resp, time.Now())
	st.waited += d
	st.retry.Wait = d
	if st.c.log != nil {
		st.c.log.LogAttrs(context.Background(), slog.LevelDebug, "soap: waiting before next attempt",
			slog.String("url", st.url), slog.Int("attempt", st.attempts), slog.Duration("wait", d))
	}
	return d
}

// wait is how long to wait after attempt number attempt (0 for the first)
// failed: what Retry-After asks, or exponential backoff with jitter.
func (c *Client) wait(attempt int, resp *http.Response, now time.Time) time.Duration {
	if ra := retryAfterOf(resp, now); ra > 0 {
		return min(ra, c.waitMax)
	}
	return jitter(c.waitMin, c.waitMax, attempt)
}

// jitter is exponential backoff with "equal jitter": the ceiling doubles
// with every attempt up to hi, and the wait is drawn from its upper half,
// so that many senders failing together do not come back together, while
// each still waits at least lo.
func jitter(lo, hi time.Duration, attempt int) time.Duration {
	ceil := hi
	if attempt < 62 && lo<<attempt>>attempt == lo && lo<<attempt < hi {
		ceil = lo << attempt
	}
	half := ceil / 2
	return max(lo, half+rand.N(half+1))
}

// retryAfterOf reads Retry-After from a 429 or 503 response, as seconds or
// as an HTTP date; zero when absent, unreadable or in the past.
func retryAfterOf(resp *http.Response, now time.Time) time.Duration {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), now)
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		// A day is as good as "not now", and the bound keeps the
		// multiplication below from overflowing.
		const day = int64(24 * time.Hour / time.Second)
		return time.Duration(min(max(secs, 0), day)) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return max(0, t.Sub(now))
}
