package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sharedN = flag.Int("shared.n", 30_000, "messages in the several-instances tests")

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// mmBinary builds the mm command once per test run.
func mmBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mm-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "mm")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// fakeProcess runs "mm fake serve" as a process of its own, so that the
// fake is not slowed by this test binary's race detector, and returns the
// connection flags for senders and a stop function that returns the fake's
// records.
type fakeProc struct {
	cmd  *exec.Cmd
	dump string
	conn []string
}

func startFakeProcess(t *testing.T, bin string, n int) *fakeProc {
	t.Helper()
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString(`{"recipients":[`)
	ops := []string{"kivra", "minmyndighetspost", "billo", "fortnox"}
	first := true
	for k := range n {
		if k%5 == 0 {
			continue // not in FaR: paper, no mailbox
		}
		if !first {
			cfg.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&cfg, `{"id":%q,"mailbox":%q}`, sharedPerson(k), ops[k%4])
	}
	cfg.WriteString(`]}`)
	cfgPath := filepath.Join(dir, "fake.json")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg.String()), 0o600))
	f := &fakeProc{dump: filepath.Join(dir, "dump.json")}
	f.cmd = exec.Command(bin, "fake", "serve", "--config", cfgPath, "--dir", filepath.Join(dir, "creds"), "--dump", f.dump, "--json")
	out, err := f.cmd.StdoutPipe()
	require.NoError(t, err)
	f.cmd.Stderr = io.Discard
	require.NoError(t, f.cmd.Start())
	t.Cleanup(func() { _ = f.cmd.Process.Kill(); _ = f.cmd.Wait() })
	var info struct {
		FaR        struct{ Recipient string }
		CA         string
		Identities []struct{ Role, Org, Cert, Key string }
	}
	require.NoError(t, json.NewDecoder(bufio.NewReader(out)).Decode(&info))
	require.NotEmpty(t, info.Identities)
	id := info.Identities[0] // the default sender
	f.conn = []string{
		"--far", info.FaR.Recipient, "--ca", info.CA, "--cert-pem", id.Cert, "--key-pem", id.Key, "--sender-name", "Kommun A",
		"--allow-local-network", "127.0.0.1/32",
	}
	return f
}

// stop ends the fake and reads what its operators stored.
func (f *fakeProc) stop(t *testing.T) (stored map[string]int, duplicates int) {
	t.Helper()
	require.NoError(t, f.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, f.cmd.Wait())
	b, err := os.ReadFile(f.dump)
	require.NoError(t, err)
	var d struct {
		Stored []struct {
			MessageID string `json:"messageId"`
		}
		Duplicates int
	}
	require.NoError(t, json.Unmarshal(b, &d))
	stored = map[string]int{}
	for _, s := range d.Stored {
		stored[s.MessageID]++
	}
	return stored, d.Duplicates
}

// sharedPerson is the k-th valid test personal number (born 1 January in
// the 1940s and 50s).
func sharedPerson(k int) string {
	base := fmt.Sprintf("%02d0101%03d", 40+k/900, k%900)
	sum := 0
	for i, c := range base {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return fmt.Sprintf("19%s%d", base, (10-sum%10)%10)
}

func sharedSource(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for k := range n {
		fmt.Fprintf(&b, `{"id":"00000000-0000-4000-9000-%012d","to":%q,"subject":"Årsbesked","text":"Ditt årsbesked för 2026.","support":{"text":"Ring 08-123 45 67"}}`+"\n", k, sharedPerson(k))
	}
	path := filepath.Join(t.TempDir(), "arsbesked.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

var settledRE = regexp.MustCompile(`(\d+) settled this run`)

// sharedRun has instances of "mm send --batch" drain one mailing through a
// PostgreSQL journal; kill names an instance to SIGKILL after a while. It
// checks that every message was delivered or papered exactly once.
func sharedRun(t *testing.T, instances int, kill int) {
	dsn := conformance.Postgres(t)
	bin := mmBinary(t)
	n := *sharedN
	fake := startFakeProcess(t, bin, n)
	src := sharedSource(t, n)
	paper := filepath.Join(t.TempDir(), "paper")
	name := fmt.Sprintf("arsbesked-%d", time.Now().UnixNano())

	outs := make([]*strings.Builder, instances)
	cmds := make([]*exec.Cmd, instances)
	for k := range instances {
		args := append([]string{"send", "--batch", src, "--mailing", name, "--journal", dsn, "--resume",
			"--paper-dir", paper, "--worker", fmt.Sprintf("instance-%d", k), "--lease", "5s", "--per-operator", "6"}, fake.conn...)
		cmds[k] = exec.Command(bin, args...)
		outs[k] = &strings.Builder{}
		cmds[k].Stdout, cmds[k].Stderr = outs[k], outs[k]
		require.NoError(t, cmds[k].Start())
	}
	if kill >= 0 {
		victim := fmt.Sprintf("instance-%d", kill)
		held := waitForLeases(t, dsn, name, victim)
		require.NoError(t, cmds[kill].Process.Signal(syscall.SIGKILL))
		t.Logf("killed %s while it held %d messages in flight", victim, held)
	}
	settled := 0
	for k, c := range cmds {
		err := c.Wait()
		if k == kill {
			continue
		}
		require.NoError(t, err, "instance %d:\n%s", k, outs[k].String())
		m := settledRE.FindStringSubmatch(outs[k].String())
		require.NotNil(t, m, outs[k].String())
		got, _ := strconv.Atoi(m[1])
		assert.Positive(t, got, "instance %d did a share", k)
		settled += got
		t.Logf("instance %d settled %d", k, got)
	}

	stored, duplicates := fake.stop(t)
	j, err := openJournalAt(context.Background(), dsn)
	require.NoError(t, err)
	defer j.Close()
	counts, err := j.Counts(context.Background(), name)
	require.NoError(t, err)
	assert.Equal(t, n, counts.Total)
	assert.True(t, counts.Done(), "%v", counts.State)
	assert.Equal(t, n*4/5, counts.State[journal.Delivered])
	assert.Equal(t, n/5, counts.State[journal.Paper])
	assert.Len(t, stored, n*4/5, "every digital message stored")
	for id, c := range stored {
		if c != 1 {
			t.Errorf("%s stored %d times", id, c)
		}
	}
	assert.Equal(t, n/5, paperLetters(t, paper), "every paper letter once")
	if kill < 0 {
		assert.Equal(t, n, settled, "each message settled by one instance")
		assert.Zero(t, duplicates, "no delivery was even repeated")
	} else {
		t.Logf("after the kill: the others settled %d; operators recognised %d repeats", settled, duplicates)
	}
}

// waitForLeases waits until worker holds live leases on messages on their
// way (looked up or being sent) and the mailing is well under way, so that
// killing it then leaves work only a takeover can finish.
func waitForLeases(t *testing.T, dsn, name, worker string) int {
	t.Helper()
	j, err := openJournalAt(context.Background(), dsn)
	require.NoError(t, err)
	defer j.Close()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		c, err := j.Counts(context.Background(), name)
		if err != nil || c.State[journal.Delivered] < c.Total/10 {
			continue
		}
		held := 0
		for e, err := range j.List(context.Background(), name, journal.Filter{States: []journal.State{journal.LookedUp, journal.Sending, journal.Unknown}}) {
			if err == nil && e.Lease.Worker == worker && e.Lease.Live(time.Now()) {
				held++
			}
		}
		if held > 0 {
			return held
		}
	}
	t.Fatalf("%s never held a lease", worker)
	return 0
}

// Three processes drain one mailing: each does a share, every message is
// delivered or papered exactly once, and no delivery is even repeated.
func TestThreeInstancesDrainOneMailing(t *testing.T) {
	if testing.Short() {
		t.Skip("three processes and a fake process drain a large mailing")
	}
	sharedRun(t, 3, -1)
}

// One of three is killed with SIGKILL: its leased messages are taken over
// once the leases expire, and every message still ends exactly once.
func TestInstanceKilledIsTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("three processes and a fake process drain a large mailing")
	}
	sharedRun(t, 3, 1)
}
