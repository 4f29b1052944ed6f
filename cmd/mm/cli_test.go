package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mmExec runs the built binary with args, as a shell would, and returns
// its exit status, stdout and stderr.
func mmExec(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(mmBinary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		require.NoError(t, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// everyCommand is every command of mm, as typed.
var everyCommand = [][]string{
	{"check"}, {"lookup"}, {"verify"}, {"send"}, {"plan"},
	{"mailing"}, {"mailing", "status"}, {"mailing", "report"},
	{"fake"}, {"fake", "serve"}, {"completion"}, {"help"},
}

// -h, --help and "mm help CMD" print the command's help on stdout and
// exit 0, for every command.
func TestCLIHelp(t *testing.T) {
	t.Parallel()
	for _, c := range everyCommand {
		t.Run(strings.Join(c, "_"), func(t *testing.T) {
			t.Parallel()
			usage := "mm " + strings.Join(c, " ")
			for _, args := range [][]string{
				append(append([]string{}, c...), "-h"),
				append(append([]string{}, c...), "--help"),
				append([]string{"help"}, c...),
			} {
				code, out, errOut := mmExec(t, "", args...)
				assert.Equal(t, exitOK, code, "%v: %s", args, errOut)
				assert.Empty(t, errOut, "%v", args)
				assert.Contains(t, out, "Usage:\n  "+usage, "%v", args)
			}
		})
	}
	code, out, _ := mmExec(t, "", "help")
	assert.Equal(t, exitOK, code)
	for _, want := range []string{"Exit status, the same for every command:", "check", "lookup", "send", "verify", "plan", "mailing", "fake", "completion"} {
		assert.Contains(t, out, want)
	}
	code, _, errOut := mmExec(t, "", "help", "sned")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "did you mean send?")
}

// An unknown flag or command: at most three lines on stderr, naming it,
// with the hint to --help; exit 2; nothing on stdout.
func TestCLIUnknown(t *testing.T) {
	t.Parallel()
	cases := [][]string{{"frobnicate"}, {"sned"}, {"mailing", "stats"}, {"fake", "start"}}
	for _, c := range everyCommand {
		cases = append(cases, append(append([]string{}, c...), "--bogus"))
	}
	for _, args := range cases {
		code, out, errOut := mmExec(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		assert.LessOrEqual(t, len(lines), 3, "%v: %s", args, errOut)
		assert.Contains(t, errOut, "--help' for usage", "%v", args)
	}
	_, _, errOut := mmExec(t, "", "send", "--suport-text", "x")
	assert.Contains(t, errOut, "unknown flag: --suport-text (did you mean --support-text?)")
	_, _, errOut = mmExec(t, "", "sned")
	assert.Contains(t, errOut, "did you mean send?")
}

// mm completion writes a script for each shell; mm --version names the
// build.
func TestCLICompletionAndVersion(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{"bash": "__start_mm", "zsh": "#compdef mm", "fish": "complete -c mm", "powershell": "Register-ArgumentCompleter"} {
		code, out, errOut := mmExec(t, "", "completion", shell)
		assert.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, want, shell)
	}
	code, out, _ := mmExec(t, "", "--version")
	assert.Equal(t, exitOK, code)
	assert.Regexp(t, regexp.MustCompile(`^mm \S+.*go1\.\d+`), out)
}

// The dry run writes the fake's CA next to the request and prints the
// line that verifies it; run as printed, it says valid. From the command
// line alone.
func TestCLIDryRunThenVerify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	req := filepath.Join(dir, "req.xml")
	code, out, errOut := mmExec(t, "", "send", "--fake", "--dry-run", "--out", req,
		"--to", "195303231855", "--subject", "Beslut", "--text", "Ditt bygglov är beviljat.", "--support-text", "Ring 08-123 45 67")
	require.Equal(t, exitOK, code, errOut)
	line := strings.TrimSpace(lineWith(out, "  mm verify "))
	require.NotEmpty(t, line, out)
	assert.Equal(t, "mm verify --trust "+filepath.Join(dir, "req-ca.pem")+" "+req, line)
	code, out, errOut = mmExec(t, "", strings.Fields(line)[1:]...)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, req+": valid")
}

// Flags go before and after the positional arguments, for every command
// that takes them, and in any order for the others.
func TestCLIFlagsAnywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	req := filepath.Join(dir, "req.xml")
	code, _, errOut := mmExec(t, "", "send", "--to", "195303231855", "--dry-run", "--subject", "s", "--fake", "--text", "t", "--out", req, "--support-text", "u")
	require.Equal(t, exitOK, code, errOut)
	ca := filepath.Join(dir, "req-ca.pem")
	for _, args := range [][]string{
		{"verify", "--trust", ca, req},
		{"verify", req, "--trust", ca},
		{"verify", "--trust=" + ca, req, "--json"},
		{"verify", "-trust", ca, req}, // the single dash of earlier versions
	} {
		code, _, errOut := mmExec(t, "", args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, errOut)
	}

	src := filepath.Join(dir, "mailing.jsonl")
	require.NoError(t, os.WriteFile(src, []byte(`{"to":"195303231855","subject":"s","text":"x","support":{"text":"ring"}}`+"\n"), 0o600))
	for _, args := range [][]string{
		{"plan", "--sender", "162021004748", "--sender-name", "Kommun A", src},
		{"plan", src, "--sender", "162021004748", "--sender-name", "Kommun A"},
		{"plan", "--sender", "162021004748", src, "--sender-name", "Kommun A", "--json"},
	} {
		code, out, errOut := mmExec(t, "", args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, errOut)
		assert.Contains(t, out, "1", "%v", args)
	}

	journalFile := filepath.Join(dir, "mailing.db")
	code, _, errOut = mmExec(t, "", "send", "--batch", src, "--fake", "--journal", journalFile)
	require.Equal(t, exitOK, code, errOut)
	for _, args := range [][]string{
		{"mailing", "status", "--journal", journalFile, "--mailing", "mailing"},
		{"mailing", "status", "--mailing", "mailing", "--json", "--journal", journalFile},
		{"mailing", "report", "--state", "delivered", "--mailing", "mailing", "--journal", journalFile},
		{"mailing", "--journal", journalFile, "report", "--mailing", "mailing"}, // before the subcommand
	} {
		code, out, errOut := mmExec(t, "", args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, errOut)
		assert.NotEmpty(t, out, "%v", args)
	}

	_, conn := fakeFlags(t)
	for _, args := range [][]string{
		append(append([]string{"lookup"}, conn...), "195303231855", "--json"),
		append(append([]string{"lookup", "195303231855"}, conn...), "--show-ids"),
		append([]string{"check", "--json"}, conn...),
		append(conn, "check"), // flags before the command itself
	} {
		code, _, errOut := mmExec(t, "", args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, errOut)
	}
}

// mm check: --fake end to end; against a fake with a certificate close to
// its expiry (a warning, exit 0), a sender the Authority register does not
// know (a problem, exit 1), a FaR that cannot be reached (exit 3), and a
// wrong command line (exit 2).
func TestCLICheck(t *testing.T) {
	t.Parallel()
	code, out, errOut := mmExec(t, "", "check", "--fake")
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{"ok       signing certificate of 162021004748", "ok       sender 162021004748 registered", "ok       sender 162021004748 accepted", "sender 162021004748: ready\n"} {
		assert.Contains(t, out, want)
	}

	infra, conn := fakeFlags(t)
	notAfter := infra.SenderSigner().Certificate().NotAfter
	code, out, errOut = mmExec(t, "", append([]string{"check", "--at", notAfter.Add(-10 * 24 * time.Hour).Format(time.RFC3339)}, conn...)...)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "warning  signing certificate of 162021004748: the signing certificate of 162021004748 expires on "+notAfter.Format(time.DateOnly)+", within 30 days")
	assert.Contains(t, out, "ready, with 1 warning(s)")

	stranger, err := infra.Issue("165590040001", "Okänd AB")
	require.NoError(t, err)
	key, err := stranger.KeyPEM()
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "okand.pem"), filepath.Join(dir, "okand.key")
	require.NoError(t, os.WriteFile(certFile, stranger.CertPEM(), 0o600))
	require.NoError(t, os.WriteFile(keyFile, key, 0o600))
	unknown := append(append([]string{}, conn[:4]...), "--cert-pem", certFile, "--key-pem", keyFile, "--allow-local-network", "127.0.0.1")
	code, out, errOut = mmExec(t, "", append([]string{"check", "--json"}, unknown...)...)
	assert.Equal(t, exitFailed, code, errOut)
	var rep checkJSON
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.False(t, rep.OK)
	assert.Equal(t, "165590040001", rep.Sender)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "not registered in the Authority register")
	require.Len(t, rep.Checks, 2)
	assert.Equal(t, "problem", rep.Checks[1].Status)

	code, _, errOut = mmExec(t, "", append([]string{"check"}, unknown...)...)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, errOut)

	// A FaR nobody listens at: the surroundings, exit 3.
	down := append([]string{"check", "--far", "https://127.0.0.1:1"}, conn[2:]...)
	code, _, errOut = mmExec(t, "", down...)
	assert.Equal(t, exitTrouble, code, errOut)

	code, _, _ = mmExec(t, "", "check", "--fake", "--at", "tomorrow")
	assert.Equal(t, exitUsage, code)
	code, _, _ = mmExec(t, "", "check", "--env", "test")
	assert.Equal(t, exitUsage, code, "no certificate")
}
