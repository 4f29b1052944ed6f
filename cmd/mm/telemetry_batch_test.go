package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settledAny is any series of the settled counter in Prometheus text.
var settledAny = regexp.MustCompile(`(?m)^mm_messages_settled_total\{[^}]*\} (\d+)$`)

// settledSum adds up every series of the settled counter on a /metrics
// page (every channel and state).
func settledSum(page string) int {
	n := 0
	for _, m := range settledAny.FindAllStringSubmatch(page, -1) {
		v, _ := strconv.Atoi(m[1])
		n += v
	}
	return n
}

// mm send --batch --fake --metrics-addr 127.0.0.1:0: /metrics, scraped
// over HTTP while the paced mailing runs, shows the settled counter rise
// to the number of messages (and --metrics-linger keeps the final value
// up for the scraper).
func TestBatchServesMetrics(t *testing.T) {
	t.Parallel()
	const n = 40
	dir := t.TempDir()
	var src strings.Builder
	for k := range n {
		fmt.Fprintf(&src, `{"id":"00000000-0000-4000-8000-%012d","to":"195303231855","subject":"Årsbesked","text":"Ditt årsbesked.","support":{"text":"Ring 08-123 45 67"}}`+"\n", k)
	}
	path := filepath.Join(dir, "mailing.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(src.String()), 0o600))

	cmd := exec.Command(mmBinary(t), "send", "--batch", path, "--fake", "--journal", filepath.Join(dir, "j.db"),
		"--rate", "20", "--metrics-addr", "127.0.0.1:0", "--metrics-linger", "3s")
	stdout, err := cmd.StdoutPipe() // the report; drained below
	require.NoError(t, err)
	errPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "mm send: metrics at "); ok {
				addr <- a
			}
		}
	}()
	var url string
	select {
	case url = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("mm send did not say where its metrics are")
	}
	require.Regexp(t, `^http://127\.0\.0\.1:[1-9]\d*/metrics$`, url)

	var seen []int
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		require.NoError(t, err, "scraping while the mailing runs")
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		v := settledSum(string(page))
		seen = append(seen, v)
		if v >= n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.NotEmpty(t, seen)
	assert.Equal(t, n, seen[len(seen)-1], "the settled counter reaches the message count")
	assert.IsNonDecreasing(t, seen)
	rising := false
	for _, v := range seen {
		rising = rising || (v > 0 && v < n)
	}
	assert.True(t, rising, "a scrape during the run saw part of the mailing settled: %v", seen)
	require.NoError(t, cmd.Wait())
	assert.Equal(t, exitOK, cmd.ProcessState.ExitCode())
}
