package soap

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		v    string
		want time.Duration
	}{
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"999999999999999", 24 * time.Hour},
		{"Sun, 01 Mar 2026 12:00:03 GMT", 3 * time.Second},   // RFC 1123
		{"Sunday, 01-Mar-26 12:00:30 GMT", 30 * time.Second}, // RFC 850
		{"Sun Mar  1 12:01:00 2026", time.Minute},            // ANSI C
		{"Sun, 01 Mar 2026 11:59:00 GMT", 0},                 // past
		{"soon", 0},
		{"", 0},
	} {
		assert.Equal(t, tt.want, parseRetryAfter(tt.v, now), tt.v)
	}
}

func TestRetryAfterOnlyFor429And503(t *testing.T) {
	t.Parallel()
	h := http.Header{"Retry-After": {"7"}}
	now := time.Now()
	assert.Equal(t, 7*time.Second, retryAfterOf(&http.Response{StatusCode: 429, Header: h}, now))
	assert.Equal(t, 7*time.Second, retryAfterOf(&http.Response{StatusCode: 503, Header: h}, now))
	assert.Zero(t, retryAfterOf(&http.Response{StatusCode: 502, Header: h}, now))
	assert.Zero(t, retryAfterOf(nil, now))
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	c := &Client{waitMin: 100 * time.Millisecond, waitMax: 2 * time.Second}
	for attempt := range 70 {
		ceil := min(c.waitMax, c.waitMin<<min(attempt, 30))
		for range 50 {
			d := c.wait(attempt, nil, time.Now())
			require.GreaterOrEqual(t, d, c.waitMin, "attempt %d", attempt)
			require.GreaterOrEqual(t, d, ceil/2, "attempt %d: equal jitter keeps the upper half", attempt)
			require.LessOrEqual(t, d, ceil, "attempt %d", attempt)
		}
	}
	// Jitter: waits after the same attempt differ.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[c.wait(3, nil, time.Now())] = true
	}
	assert.Greater(t, len(seen), 1)
	// Retry-After wins over backoff, within RetryWaitMax.
	r := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"1"}}}
	assert.Equal(t, time.Second, c.wait(5, r, time.Now()))
	r.Header.Set("Retry-After", "60")
	assert.Equal(t, c.waitMax, c.wait(0, r, time.Now()))
}

func TestReadLimited(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 200<<10) // several chunks
	for _, tt := range []struct {
		name     string
		r        io.Reader
		declared int64
		limit    int64
		want     string
		err      error
	}{
		{"declared, fits", strings.NewReader("hello"), 5, 5, "hello", nil},
		{"undeclared, fits exactly", strings.NewReader("hello"), -1, 5, "hello", nil},
		{"undeclared, one byte over", strings.NewReader("hello!"), -1, 5, "", ErrTooLarge},
		{"declared over the limit", strings.NewReader("hello!"), 6, 5, "", ErrTooLarge},
		{"several chunks", strings.NewReader(body), -1, 1 << 20, body, nil},
		{"several chunks, one byte at a time", iotest.OneByteReader(strings.NewReader(body[:70<<10])), -1, 1 << 20, body[:70<<10], nil},
		{"empty", strings.NewReader(""), 0, 5, "", nil},
		{"read error", iotest.ErrReader(io.ErrUnexpectedEOF), -1, 5, "", io.ErrUnexpectedEOF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := readLimited(tt.r, tt.declared, tt.limit)
			if tt.err != nil {
				assert.True(t, errors.Is(err, tt.err), "%v", err)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}
