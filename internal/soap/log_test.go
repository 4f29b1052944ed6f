package soap

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSilentByDefault is not parallel: it captures the process's stderr
// (file descriptor 2, so that loggers holding os.Stderr since init, such
// as retryablehttp's default one, are caught too).
func TestSilentByDefault(t *testing.T) {
	p := sharedPKI(t)
	sc := newScript(status(503), fault(1000, "busy", callID), dropConnection(false), ok())
	srv := startTLS(t, p, sc)
	failing := startTLS(t, p, newScript(fault(CodeInvalidInput, "nej", callID)))
	c := newTestClient(t, p, Config{})

	out := captureStderr(t, func() {
		resp, err := c.Call(t.Context(), srv.URL, testEnvelope)
		require.NoError(t, err)
		assert.Equal(t, 4, resp.Attempts)
		assert.Equal(t, 4, sc.attempts())
		_, err = c.Call(t.Context(), failing.URL, testEnvelope)
		require.Error(t, err)
	})
	assert.Empty(t, out)

	// The capture itself works: what reaches file descriptor 2 is seen.
	seen := captureStderr(t, func() { _, _ = os.Stderr.WriteString("visible") })
	assert.Equal(t, "visible", seen)
}

// syncBuffer is a bytes.Buffer safe for the server's and client's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogging(t *testing.T) {
	t.Parallel()
	p := sharedPKI(t)
	const secretDescription = "Mottagaren 198101052382 har ingen brevlåda"
	sc := newScript(status(503), fault(1000, secretDescription, callID),
		raw(200, ContentType, string(AppendEnvelope(nil, []byte(`<r xmlns="urn:r">SECRET-BODY 199001012385</r>`)))))
	srv := startTLS(t, p, sc)
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, p, Config{Logger: logger})

	resp, err := c.Call(t.Context(), srv.URL+"/Recipient/v3", testEnvelope)
	require.NoError(t, err)
	require.Equal(t, 3, resp.Attempts)

	type record struct {
		Level, Msg string
		Status     int
		Error      string
	}
	var records []record
	for line := range strings.Lines(buf.String()) {
		var r record
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		records = append(records, r)
	}
	has := func(level, msg string, check func(record) bool) bool {
		for _, r := range records {
			if r.Level == level && strings.Contains(r.Msg, msg) && (check == nil || check(r)) {
				return true
			}
		}
		return false
	}
	assert.True(t, has("WARN", "soap: server busy, will retry", func(r record) bool { return r.Status == 503 }), buf.String())
	assert.True(t, has("WARN", "soap: request failed", func(r record) bool { return r.Error == "soap fault 1000 (call id "+callID+")" }), buf.String())
	assert.True(t, has("DEBUG", "soap: waiting before next attempt", nil), buf.String())
	assert.True(t, has("DEBUG", "soap: performing request", nil), buf.String())
	for _, r := range records {
		assert.NotEqual(t, "ERROR", r.Level, "a retried attempt is not an error: %+v", r)
	}
	for _, secret := range []string{"195303231855", "198101052382", "199001012385", "SECRET-BODY", "brevlåda", "<ping"} {
		assert.NotContains(t, buf.String(), secret)
	}
}

func TestLogValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		in   any
		want any
	}{
		{"string with personnummer", "recipient 195303231855 and 19530323-1855 and 530323+1855", "recipient 19530323**** and 19530323-**** and 530323+****"},
		{"short numbers stay", "attempt 3 of 4, status 503, org 5566", "attempt 3 of 4, status 503, org 5566"},
		{"fault", &Fault{Code: 5003, Description: "195303231855 saknas", CallID: callID}, "soap fault 5003 (call id " + callID + ")"},
		{"response error", &ResponseError{StatusCode: 502, Snippet: "195303231855", Err: ErrNotSOAP}, "http 502: response is not soap"},
		{"wrapped", &CallError{Err: &ResponseError{StatusCode: 200, Err: malformed("x")}}, "http 200: malformed soap envelope"},
		{"other error", errors.New("dial 195303231855"), "dial 19530323****"},
		{"number", 42, 42},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, logValue(tt.in))
		})
	}
}

func TestSanitise(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("å", 150) // 300 bytes: the cut falls inside a rune
	for _, tt := range []struct {
		name, in, want string
	}{
		{"html", "<html>\r\n\t<body>\x00Fel\x1b[31m</body>", "<html> <body> Fel [31m</body>"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"personnummer", "id=195303231855;", "id=19530323****;"},
		{"long", long, strings.Repeat("å", 100)},
		{"number across the cut", strings.Repeat("x", snippetLen-12) + " 195303231855", strings.Repeat("x", snippetLen-12) + " 19530323***"},
		{"bidi override", "a\u202eb", "a\uFFFDb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, sanitise([]byte(tt.in)))
		})
	}
}

func TestLeveledLevels(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	a := leveled{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	a.Debug("hidden")
	a.Info("info", "k", "v")
	a.Warn("warn")
	a.Error("error")
	out := buf.String()
	assert.NotContains(t, out, "hidden")
	assert.Contains(t, out, `level=INFO msg="soap: info" k=v`)
	assert.Contains(t, out, `level=WARN msg="soap: warn"`)
	assert.Contains(t, out, `level=WARN msg="soap: error"`)
	assert.NotContains(t, out, "level=ERROR")
}
