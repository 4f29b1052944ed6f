package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mmToFull runs the built binary with its stdout on /dev/full, where
// every write fails: an output that cannot be written.
func mmToFull(t *testing.T, args ...string) (int, string) {
	t.Helper()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	cmd := exec.Command(mmBinary(t), args...)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errOut
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), errOut.String()
}

// Each status of the contract, produced by at least one case of every
// command it applies to (mm check's are in TestCLICheck), by the built
// binary.
func TestCLIExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	msg := []string{"--to", "195303231855", "--subject", "Beslut", "--text", "Hej", "--support-text", "Ring oss"}
	req := filepath.Join(dir, "req.xml")
	code, _, errOut := mmExec(t, "", append([]string{"send", "--fake", "--dry-run", "--out", req}, msg...)...)
	require.Equal(t, exitOK, code, errOut)
	ca := filepath.Join(dir, "req-ca.pem")
	tampered := file("tampered.xml", strings.Replace(string(readFile(t, req)), ">Beslut<", ">Besluq<", 1))
	require.NotEqual(t, readFile(t, req), readFile(t, tampered), "the subject was changed")
	src := file("utskick.jsonl", `{"to":"195303231855","subject":"s","text":"x","support":{"text":"ring"}}`+"\n")
	badSrc := file("bad.jsonl", `{"to":"195303231855","subject":"s"}`+"\n")
	journalFile := filepath.Join(dir, "utskick.db")
	code, _, errOut = mmExec(t, "", "send", "--fake", "--batch", src, "--journal", journalFile)
	require.Equal(t, exitOK, code, errOut)

	ok, conn := fakeFlags(t)
	require.NoError(t, ok.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	refusing, refusingConn := fakeFlags(t)
	refusing.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 5001)) // an application fault: FaR refuses
	down := append([]string{"--far", "https://127.0.0.1:1"}, conn[2:]...)

	tests := []struct {
		name string
		args []string
		want int
	}{
		{"verify valid", []string{"verify", "--trust", ca, req}, exitOK},
		{"verify invalid", []string{"verify", "--trust", ca, tampered}, exitFailed},
		{"verify unreadable", []string{"verify", "--trust", ca, filepath.Join(dir, "none.xml")}, exitUsage},

		{"send sent", append(append([]string{"send"}, msg...), conn...), exitOK},
		{"send refused", append(append([]string{"send"}, msg...), refusingConn...), exitFailed},
		{"send invalid message", append([]string{"send", "--fake", "--to", "195303231855", "--subject", "s", "--text", "t"}, conn...), exitUsage},
		{"send unreachable", append(append([]string{"send"}, msg...), down...), exitTrouble},
		{"send batch bad line", append([]string{"send", "--batch", badSrc}, conn...), exitUsage},

		{"lookup answered", append([]string{"lookup", "195303231855"}, conn...), exitOK},
		{"lookup refused", append([]string{"lookup", "195303231855"}, refusingConn...), exitFailed},
		{"lookup bad id", append([]string{"lookup", "19530323185X"}, conn...), exitUsage},
		{"lookup unreachable", append([]string{"lookup", "195303231855"}, down...), exitTrouble},

		{"plan made", []string{"plan", src, "--sender", "162021004748", "--sender-name", "Kommun A"}, exitOK},
		{"plan bad line", []string{"plan", badSrc, "--sender", "162021004748", "--sender-name", "Kommun A"}, exitUsage},
		{"plan no rate", []string{"plan", src, "--sender", "162021004748", "--sender-name", "Kommun A", "--rate", "0"}, exitUsage},

		{"mailing status", []string{"mailing", "status", "--journal", journalFile, "--mailing", "utskick"}, exitOK},
		{"mailing report", []string{"mailing", "report", "--journal", journalFile, "--mailing", "utskick"}, exitOK},
		{"mailing status unknown mailing", []string{"mailing", "status", "--journal", journalFile, "--mailing", "utskik"}, exitFailed},
		{"mailing report unknown mailing", []string{"mailing", "report", "--journal", journalFile, "--mailing", "utskik"}, exitFailed},
		{"mailing status no journal", []string{"mailing", "status", "--mailing", "utskick"}, exitUsage},
		{"mailing report no file", []string{"mailing", "report", "--journal", filepath.Join(dir, "none.db"), "--mailing", "utskick"}, exitUsage},
		{"mailing status unreachable", []string{"mailing", "status", "--journal", "postgres://mm@127.0.0.1:1/mm?connect_timeout=2", "--mailing", "utskick"}, exitTrouble},

		{"fake serve bad config", []string{"fake", "serve", "--config", file("fake.json", `{"recipients":[{"id":"195303231855","mailbx":"kivra"}]}`)}, exitUsage},
		{"fake serve not loopback", []string{"fake", "serve", "--listen", "192.0.2.1:8443"}, exitTrouble},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := mmExec(t, "", tc.args...)
			assert.Equal(t, tc.want, code, "%s%s", out, errOut)
		})
	}
	// An output that cannot be written is the surroundings' failure.
	for _, args := range [][]string{
		{"verify", "--trust", ca, req},
		{"plan", src, "--sender", "162021004748", "--sender-name", "Kommun A"},
		{"mailing", "report", "--journal", journalFile, "--mailing", "utskick", "--state", "delivered", "--json"},
		{"check", "--fake"},
	} {
		code, errOut := mmToFull(t, args...)
		assert.Equal(t, exitTrouble, code, "%v: %s", args, errOut)
	}
}

// mm fake serve, as a process: the demo recipients in its banner, and
// exit 0 when a signal stops it.
func TestCLIFakeServeDemo(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(mmBinary(t), "fake", "serve", "--dir", t.TempDir())
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	require.NoError(t, cmd.Start())
	var banner strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "  PKCS#12 password:") {
		banner.WriteString(sc.Text() + "\n")
	}
	go func() { _, _ = bufio.NewReader(stdout).WriteTo(new(bytes.Buffer)) }()
	for _, r := range demoRecipients {
		assert.Contains(t, banner.String(), r.id+"   "+r.about)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mm fake serve did not stop")
	}
	assert.Equal(t, exitOK, cmd.ProcessState.ExitCode(), errOut.String())
}
