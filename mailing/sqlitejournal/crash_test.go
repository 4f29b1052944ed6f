package sqlitejournal

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashJournalEnv hands the helper process its journal file. Only this
// test file reads it; library code reads no environment.
const crashJournalEnv = "MM_TEST_MAILING_CRASH_JOURNAL"

const (
	crashMailing  = "crash"
	crashMessages = 4000
	crashWorkers  = 4
)

// crashPath is the life of every message in the crash test.
var crashPath = []journal.State{journal.Queued, journal.LookedUp, journal.Sending, journal.Delivered}

func crashID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// crashEntry is message i recorded in state s.
func crashEntry(i int, s journal.State, attempts int) journal.Entry {
	e := journal.Entry{Mailing: crashMailing, MessageID: crashID(i), Recipient: "199001012385", State: s, Attempts: attempts}
	if s != journal.Queued {
		e.Channel, e.Operator = receipt.Digital, message.Operator{ID: "165599990001", Name: "Operatör A"}
	}
	switch s {
	case journal.Unknown:
		e.Error = "interrupted: the mailing stopped while the request was on the wire"
	case journal.Delivered:
		e.Receipt = &receipt.Receipt{MessageID: e.MessageID, Recipient: e.Recipient, Channel: receipt.Digital,
			State: receipt.StateDelivered, Operator: e.Operator, Delivered: true, TransID: "t-" + e.MessageID, Attempts: attempts}
	}
	return e
}

// TestSQLiteCrashHelper is not a test of its own: run as a child process
// by TestSQLiteSurvivesKill, it resumes the crash mailing the way a sender
// does — skip what is done, resend what may have landed, carry on with
// the rest — from several goroutines, printing "ack <n> <state>" after
// each Record returns, until killed or done.
func TestSQLiteCrashHelper(t *testing.T) {
	path := os.Getenv(crashJournalEnv)
	if path == "" {
		t.Skip("helper process for TestSQLiteSurvivesKill")
	}
	j, err := Open(path, journal.Config{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	ctx := context.Background()
	var out sync.Mutex
	ack := func(i int, s journal.State) {
		out.Lock()
		defer out.Unlock()
		_, _ = fmt.Fprintf(os.Stdout, "ack %d %s\n", i, s)
	}
	record := func(e journal.Entry, i int) {
		if err := j.Record(ctx, e); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		ack(i, e.State)
	}
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() {
			for i := w; i < crashMessages; i += crashWorkers {
				from, attempts := 0, 0
				if e, err := j.Get(ctx, crashMailing, crashID(i)); err == nil {
					attempts = e.Attempts
					switch e.State.Resume() {
					case journal.ResumeSkip:
						continue
					case journal.ResumeResend:
						// Resend with the same ID: Unknown, one more attempt.
						attempts++
						record(crashEntry(i, journal.Unknown, attempts), i)
						record(crashEntry(i, journal.Delivered, attempts), i)
						continue
					case journal.ResumeLookup:
						from = 1
					}
				}
				for _, s := range crashPath[from:] {
					if s == journal.Sending {
						attempts++
					}
					record(crashEntry(i, s, attempts), i)
				}
			}
		})
	}
	wg.Wait()
	fmt.Println("done")
	os.Exit(0)
}

// TestSQLiteSurvivesKill kills a process that records with SIGKILL at
// random points, several times over one journal, and checks after each
// kill that the file is intact and that every Record that had returned is
// there: each message is in the state last acknowledged or one after it,
// never before. The last run resumes to the end, and everything is then
// delivered, each interrupted message with one attempt more for each kill
// that caught it on the way (a resend can itself be killed).
func TestSQLiteSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal.db")
	acked := map[int]journal.State{}
	kills := 0
	for run := 0; ; run++ {
		killAfter := time.Duration(0)
		if run < 5 {
			killAfter = time.Duration(30+rand.IntN(400)) * time.Millisecond
		}
		done := runCrashChild(t, path, killAfter, acked)
		checkCrashJournal(t, path, acked)
		if done {
			require.GreaterOrEqual(t, run, 5, "the helper finished before it could be killed five times")
			break
		}
		kills++
		require.Less(t, run, 12, "the mailing never finished")
	}

	j, err := Open(path, journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	c, err := j.Counts(t.Context(), crashMailing)
	require.NoError(t, err)
	assert.Equal(t, map[journal.State]int{journal.Delivered: crashMessages}, c.State)
	resent := 0
	for e, err := range j.List(t.Context(), crashMailing, journal.Filter{}) {
		require.NoError(t, err)
		assert.GreaterOrEqual(t, e.Attempts, 1, e.MessageID)
		assert.LessOrEqual(t, e.Attempts, 1+kills, "%s: more resends than kills", e.MessageID)
		if e.Attempts > 1 {
			resent++
		}
	}
	t.Logf("%d messages re-sent after a kill", resent)
}

// runCrashChild runs the helper until it is done or, when killAfter is
// not 0, until killed then, and adds its acknowledgements to acked. It
// reports whether the helper finished.
func runCrashChild(t *testing.T, path string, killAfter time.Duration, acked map[int]journal.State) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteCrashHelper$")
	cmd.Env = append(os.Environ(), crashJournalEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		defer timer.Stop()
	}
	done := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		var i int
		var s journal.State
		if _, err := fmt.Sscanf(line, "ack %d %s", &i, &s); err == nil {
			acked[i] = s
			continue
		}
		if line == "done" {
			done = true
			continue
		}
		require.False(t, strings.HasPrefix(line, "error"), line)
	}
	_ = cmd.Wait()
	return done
}

// checkCrashJournal opens the journal as a restarted mailing would and
// checks it against what was acknowledged.
func checkCrashJournal(t *testing.T, path string, acked map[int]journal.State) {
	t.Helper()
	j, err := Open(path, journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	var integrity string
	require.NoError(t, j.db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity))
	require.Equal(t, "ok", integrity)

	order := append(slices.Clone(crashPath), journal.Unknown, journal.Delivered) // a resend goes Unknown then Delivered again
	rank := func(s journal.State) int { return slices.Index(order, s) }
	found := 0
	for e, err := range j.List(t.Context(), crashMailing, journal.Filter{}) {
		require.NoError(t, err)
		found++
		var i int
		_, err := fmt.Sscanf(e.MessageID, "00000000-0000-4000-8000-%d", &i)
		require.NoError(t, err)
		require.Contains(t, order, e.State, e.MessageID)
		if e.State == journal.Delivered {
			require.NotNil(t, e.Receipt, "a delivered entry has its receipt whole")
			assert.Equal(t, "t-"+e.MessageID, e.Receipt.TransID)
		}
		want, ok := acked[i]
		if !ok {
			continue
		}
		got := e.State
		if got == journal.Delivered && e.Attempts == 2 {
			got = "delivered-again"
		}
		assert.GreaterOrEqual(t, rankAfter(got, rank), rank(want), "%s: acknowledged %s, found %s", e.MessageID, want, e.State)
	}
	for i := range acked {
		_, err := j.Get(t.Context(), crashMailing, crashID(i))
		require.NoError(t, err, "acknowledged message %d is missing", i)
	}
	assert.GreaterOrEqual(t, found, len(acked))
}

// rankAfter ranks a found state; a second delivery ranks last.
func rankAfter(s journal.State, rank func(journal.State) int) int {
	if s == "delivered-again" {
		return len(crashPath) + 2
	}
	return rank(s)
}
