package soap

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/avsandare/mm/safetext"
)

// Sentinel errors of a call, for callers to branch on with errors.Is. The
// details come in a *ResponseError, and the outcome after retries in a
// *CallError.
var (
	// ErrRedirect: the server answered 3xx. Redirects are never followed:
	// an operator's address comes from FaR, and an answer must not be able
	// to send signed mail somewhere else.
	ErrRedirect = errors.New("redirect refused")
	// ErrNotSOAP: the response is not text/xml in UTF-8, such as the HTML
	// error page of a proxy or load balancer.
	ErrNotSOAP = errors.New("response is not soap")
	// ErrTooLarge: the response is larger than Config.MaxResponseBytes.
	ErrTooLarge = errors.New("response too large")
	// ErrStatus: an HTTP status that neither carries a fault nor is 200,
	// such as a 503 that lasted through every retry.
	ErrStatus = errors.New("unexpected http status")
)

// ResponseError is an HTTP response that is not a SOAP answer, or not one
// this package accepts. Err is one of ErrRedirect, ErrNotSOAP, ErrTooLarge,
// ErrStatus, or an error wrapping ErrMalformed.
type ResponseError struct {
	StatusCode  int
	ContentType string
	// Snippet is the start of the body (up to 200 bytes), with control
	// characters and digit runs that could be personal identity numbers
	// masked, for error messages. Empty for a valid envelope.
	Snippet string
	// Location is the target of a refused redirect.
	Location string
	// RetryAfter is what the server asked for with Retry-After (429, 503),
	// zero when it did not.
	RetryAfter time.Duration
	Err        error
}

// Error describes the response: status, cause, and what the server sent.
func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("http ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid response")
	}
	if e.Location != "" {
		b.WriteString(" to ")
		b.WriteString(safetext.Clean(e.Location))
	}
	if e.ContentType != "" && errors.Is(e.Err, ErrNotSOAP) {
		b.WriteString(" (content type ")
		b.WriteString(strconv.Quote(safetext.Clean(e.ContentType)))
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if e.Snippet != "" {
		b.WriteString(": ")
		b.WriteString(e.Snippet)
	}
	return b.String()
}

// Unwrap returns the cause, for errors.Is with the sentinels.
func (e *ResponseError) Unwrap() error { return e.Err }

// CallError is the outcome of a call that failed, after every attempt it
// was allowed. Err is the last attempt's error: a *Fault, a *ResponseError,
// a transport error (TLS, connection, timeout) or the context's error.
type CallError struct {
	URL      string // without user information or query
	Attempts int
	Waited   time.Duration // total time spent waiting between attempts
	Err      error
}

// Error names the URL and the number of attempts before the cause.
func (e *CallError) Error() string {
	attempts := "attempts"
	if e.Attempts == 1 {
		attempts = "attempt"
	}
	return "soap call " + e.URL + " failed after " + strconv.Itoa(e.Attempts) + " " + attempts + ": " + e.Err.Error()
}

// Unwrap returns the last attempt's error.
func (e *CallError) Unwrap() error { return e.Err }

// snippetLen bounds how much of a foreign body an error shows.
const snippetLen = 200

// sanitise makes the start of a foreign body fit for an error message: at
// most snippetLen bytes of valid UTF-8, control characters as spaces, runs
// of white space collapsed, cleaned by safetext.Clean (personal identity
// numbers masked, bidirectional controls replaced). It cleans a little
// more than it keeps, so that the cut cannot leave part of a number
// unmasked.
func sanitise(b []byte) string {
	const margin = 16 // longer than any identity number as people write it
	var out strings.Builder
	space := false
	for len(b) > 0 && out.Len() < snippetLen+margin {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && out.Len() > 0 {
			out.WriteByte(' ')
		}
		space = false
		out.WriteRune(r) // RuneError for invalid UTF-8: U+FFFD
	}
	s := safetext.Clean(out.String())
	if len(s) > snippetLen {
		s = s[:snippetLen]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1] // drop a rune cut in half
		}
	}
	return s
}
