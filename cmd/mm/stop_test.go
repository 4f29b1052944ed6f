package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stopBound is how long a stopped mm send may take in these tests before
// they fail. The command itself exits within stopGrace of the signal;
// the bound is wider so that a machine busy with other tests does not
// fail them, while a command that ignores the signal (blocked forever)
// still does. The measured time is logged.
const stopBound = 10 * time.Second

// mmProcess is the built mm command running.
type mmProcess struct {
	cmd         *exec.Cmd
	out, errOut *lockedBuffer
	stdout      io.Reader // startMMPiped's
	done        chan struct{}
	err         error
}

func startMM(t *testing.T, args ...string) *mmProcess {
	t.Helper()
	p := newMM(t, args)
	p.out = &lockedBuffer{}
	p.cmd.Stdout = p.out
	p.start(t)
	return p
}

// startMMPiped is startMM with the standard output to read as it comes.
func startMMPiped(t *testing.T, args ...string) *mmProcess {
	t.Helper()
	p := newMM(t, args)
	var err error
	p.stdout, err = p.cmd.StdoutPipe()
	require.NoError(t, err)
	p.start(t)
	return p
}

func newMM(t *testing.T, args []string) *mmProcess {
	p := &mmProcess{cmd: exec.Command(mmBinary(t), args...), errOut: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stderr = p.errOut
	return p
}

func (p *mmProcess) start(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
}

// stop sends sig and waits for the process to end, failing the test past
// stopBound; it returns the exit status and how long the exit took.
func (p *mmProcess) stop(t *testing.T, sig syscall.Signal) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	require.NoError(t, p.cmd.Process.Signal(sig))
	select {
	case <-p.done:
	case <-time.After(stopBound):
		t.Fatalf("mm did not stop within %s of %v; stderr:\n%s", stopBound, sig, p.errOut.String())
	}
	took := time.Since(start)
	t.Logf("%v: exited %s after the signal", sig, took.Round(time.Millisecond))
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode(), took
	}
	require.NoError(t, p.err)
	return 0, took
}

// A signal stops mm send while it is blocked reading a --body that is a
// named pipe nobody writes to: a read no context reaches.
func TestSendStopsDuringBlockedRead(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the built mm command")
	}
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			fifo := filepath.Join(t.TempDir(), "body.txt")
			require.NoError(t, syscall.Mkfifo(fifo, 0o600))
			p := startMM(t, "send", "--fake", "--to", "195303231855", "--subject", "s", "--body", fifo, "--support-text", "ring")
			// Opening the pipe for writing succeeds once mm has opened it
			// for reading; nothing is written, so its read then blocks.
			var w *os.File
			require.Eventually(t, func() bool {
				var err error
				w, err = os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
				return err == nil
			}, stopBound, 10*time.Millisecond, "mm never opened the pipe: %s", p.errOut.String())
			defer w.Close()
			code, _ := p.stop(t, sig)
			assert.Equal(t, exitFailed, code)
			assert.Contains(t, p.errOut.String(), "mm send: "+sig.String()+": stopping")
			assert.Contains(t, p.errOut.String(), "mm send: stopped before the work in hand was finished")
		})
	}
}

// A signal stops a paced mailing and one waiting on an operator that does
// not answer; the journal stays consistent: the mailing resumes and ends
// with every message stored once.
func TestBatchStops(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the built mm command")
	}
	t.Parallel()
	for _, c := range []struct {
		name  string
		sig   syscall.Signal
		rate  string
		fault bool
	}{
		{"paced, SIGTERM", syscall.SIGTERM, "4", false},
		{"paced, SIGINT", syscall.SIGINT, "4", false},
		{"waiting on the network, SIGTERM", syscall.SIGTERM, "0", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			infra, conn := fakeFlags(t)
			const n = 40
			src := writeSource(t, infra, n)
			var hold fakeinfra.Injected
			if c.fault {
				hold = infra.Inject(fakeinfra.Timeout(fakeinfra.OperatorEndpoint(infra.Operators()[1])))
			}
			dir := t.TempDir()
			args := append([]string{"send", "--batch", src, "--journal", filepath.Join(dir, "journal.db"),
				"--paper-dir", filepath.Join(dir, "paper")}, conn...)
			p := startMM(t, append(args, "--rate", c.rate)...)
			require.Eventually(t, func() bool {
				if c.fault {
					return hold.Fired() > 0
				}
				return len(infra.Deliveries()) >= 2
			}, stopBound, 10*time.Millisecond, "the mailing never got going: %s", p.errOut.String())
			code, _ := p.stop(t, c.sig)
			assert.Equal(t, exitFailed, code)
			assert.Contains(t, p.errOut.String(), "stopping")
			assert.Less(t, len(infra.Deliveries()), n*4/5, "stopped before the end")

			infra.ClearFaults()
			code, out, errOut := mm(t, "", append(args, "--resume")...)
			require.Equal(t, exitOK, code, out+errOut)
			assertSentOnce(t, infra, n, filepath.Join(dir, "paper"))
		})
	}
}
