package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settledLine is the settled counter of digital deliveries as Prometheus
// text shows it.
var settledLine = regexp.MustCompile(`(?m)^mm_messages_settled_total\{[^}]*mm_channel="digital"[^}]*\} (\d+)$`)

// The flags' helper: three sends through the fake are counted on
// /metrics, scraped over HTTP while the server runs, and their spans are
// JSON lines in the trace file once it shuts down.
func TestTelemetryFlags(t *testing.T) {
	t.Parallel()
	traceFile := filepath.Join(t.TempDir(), "trace.jsonl")
	tel, err := startTelemetry("127.0.0.1:0", traceFile)
	require.NoError(t, err)
	require.Regexp(t, `^127\.0\.0\.1:[1-9]\d*$`, tel.MetricsAddr)

	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(testmsg.Alice, fakeinfra.Mailbox("kivra")))
	cfg := infra.SenderConfig()
	tel.Apply(&cfg)
	s, err := sdk.New(cfg)
	require.NoError(t, err)

	scrape := func() string {
		resp, err := http.Get("http://" + tel.MetricsAddr + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	for k := 1; k <= 3; k++ {
		_, err := s.Send(context.Background(), testmsg.New(testmsg.Alice))
		require.NoError(t, err)
		m := settledLine.FindStringSubmatch(scrape())
		require.NotNil(t, m, "the settled counter is served")
		assert.Equal(t, strconv.Itoa(k), m[1], "after %d sends", k)
	}
	body := scrape()
	assert.Contains(t, body, "rpc_client_call_duration_seconds_bucket")
	assert.NotContains(t, body, testmsg.Alice)

	require.NoError(t, tel.Shutdown(context.Background()))
	f, err := os.Open(traceFile)
	require.NoError(t, err)
	defer f.Close()
	names := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var span struct{ Name string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &span), "a JSON line: %s", sc.Text())
		names[span.Name]++
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 3, names["mm.send"])
	assert.Equal(t, 3, names["mm.deliver"])
	_, err = http.Get("http://" + tel.MetricsAddr + "/metrics")
	assert.Error(t, err, "the server stopped")
}

// Empty flags set nothing up; a bad address is an error naming the flag.
func TestTelemetryFlagsOff(t *testing.T) {
	t.Parallel()
	tel, err := startTelemetry("", "")
	require.NoError(t, err)
	var cfg sdk.Config
	tel.Apply(&cfg)
	assert.Nil(t, cfg.MeterProvider)
	assert.Nil(t, cfg.TracerProvider)
	require.NoError(t, tel.Shutdown(context.Background()))

	_, err = startTelemetry("127.0.0.1:notaport", "")
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "--metrics-addr"), err.Error())
	_, err = startTelemetry("", filepath.Join(t.TempDir(), "missing", "trace.jsonl"))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "--trace-file"), err.Error())
}
