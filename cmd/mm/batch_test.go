package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeFlags starts a fake and writes what a process needs to talk to it:
// the CA, and a certificate for the default sender.
func fakeFlags(t *testing.T, opts ...fakeinfra.Option) (*fakeinfra.Infra, []string) {
	t.Helper()
	infra := fakeinfra.Start(t, opts...)
	dir := t.TempDir()
	leaf, err := infra.Issue(infra.Sender().ID, infra.Sender().Name)
	require.NoError(t, err)
	key, err := leaf.KeyPEM()
	require.NoError(t, err)
	files := map[string][]byte{"ca.pem": infra.CAPEM(), "sender.pem": leaf.CertPEM(), "sender.key": key}
	for name, b := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
	}
	return infra, []string{
		"--far", strings.TrimSuffix(infra.FaR().Recipient, "/Recipient/v3"),
		"--ca", filepath.Join(dir, "ca.pem"),
		"--cert-pem", filepath.Join(dir, "sender.pem"), "--key-pem", filepath.Join(dir, "sender.key"),
		"--sender-name", infra.Sender().Name, "--allow-local-network", "127.0.0.1",
	}
}

// writeSource writes a JSONL mailing of n messages to recipients that the
// fake knows in every way, and returns its path.
func writeSource(t *testing.T, infra *fakeinfra.Infra, n int) string {
	t.Helper()
	var b strings.Builder
	for k := range n {
		id := testPersonID(k)
		switch k % 5 {
		case 0:
			require.NoError(t, infra.AddRecipient(id, fakeinfra.NoMailbox()))
		default:
			require.NoError(t, infra.AddRecipient(id, fakeinfra.Mailbox(infra.Operators()[k%4])))
		}
		fmt.Fprintf(&b, `{"id":"00000000-0000-4000-8000-%012d","to":%q,"subject":"Årsbesked %d","text":"Ditt årsbesked.","support":{"text":"Ring 08-123 45 67"}}`+"\n", k, id, k)
	}
	path := filepath.Join(t.TempDir(), "arsbesked.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// testPersonID is the k-th valid test personal number (1 January, 1930s).
func testPersonID(k int) string {
	base := fmt.Sprintf("%02d0101%03d", 30+k/900, k%900)
	sum := 0
	for i, c := range base {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return fmt.Sprintf("19%s%d", base, (10-sum%10)%10)
}

func TestBatchSendAndResume(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	src := writeSource(t, infra, 60)
	dir := t.TempDir()
	journal, paper := filepath.Join(dir, "journal.db"), filepath.Join(dir, "paper")
	args := append([]string{"send", "--batch", src, "--journal", journal, "--paper-dir", paper}, conn...)
	code, out, errOut := mm(t, "", args...)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "mailing arsbesked: 60 messages read, 60 settled this run")
	assert.Contains(t, out, "delivered            48")
	assert.Contains(t, out, "paper                12")
	assert.Len(t, infra.Deliveries(), 48)

	// Again without --resume: refused; with it: nothing is sent twice.
	code, _, errOut = mm(t, "", args...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--resume")
	code, out, errOut = mm(t, "", append(args, "--resume")...)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "60 done before")
	assert.Len(t, infra.Deliveries(), 48)
	assert.Zero(t, infra.Duplicates())
}

// A source with bad lines: all reported with line numbers, nothing sent.
func TestBatchRefusesBadInput(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	dir := t.TempDir()
	lines := []string{
		`{"to":"195303231855","subject":"ok","text":"x","support":{"text":"ring"}}`,
		`{"to":"195303231855","subject":"broken json"`,
		`{"to":"195303231855","subject":"s","text":"x","support":{"text":"ring"},"colour":"red"}`,
		`{"to":"195303231855","subject":"s","text":"x","support":{"text":"ring"},"attachments":[{"path":"missing.pdf"}]}`,
		`{"to":"195303231856","subject":"s","text":"x","support":{"text":"ring"}}`,
		`{"to":"198101052382","subject":"s","text":"x"}`,
	}
	src := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	code, _, errOut := mm(t, "", append([]string{"send", "--batch", src}, conn...)...)
	assert.Equal(t, exitUsage, code, "wrong lines are an input error")
	for _, want := range []string{"line 2", "line 3", "colour", "line 4", "missing.pdf", "line 5", "line 6", "support.text"} {
		assert.Contains(t, errOut, want)
	}
	assert.NotContains(t, errOut, "line 1:")
	assert.NotContains(t, errOut, "195303231856", "identity numbers are masked in problems")
	assert.Zero(t, infra.Requests(fakeinfra.EndpointRecipient), "nothing was sent")
}

// The attack of issue 13: an attachment symlinked to /etc/passwd, and one
// that is a FIFO nobody writes to. Both are refused by line, field and
// path before anything is sent; nothing blocks and no letter is written.
func TestBatchSourceFolderIsClosed(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	dir := t.TempDir()
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.pdf")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o600))
	line := `{"to":"198101052382","subject":"s","text":"x","support":{"text":"ring"},"attachments":[{"path":%q}]}`
	src := filepath.Join(dir, "hostile.jsonl")
	require.NoError(t, os.WriteFile(src, []byte(fmt.Sprintf(line+"\n"+line+"\n", "passwd.pdf", "pipe.pdf")), 0o600))
	paper := filepath.Join(t.TempDir(), "paper")
	code, _, errOut := mm(t, "", append([]string{"send", "--batch", src, "--paper-dir", paper}, conn...)...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `line 1: attachments[0].path: file "passwd.pdf": leads outside the source's folder`)
	assert.Contains(t, errOut, `line 2: attachments[0].path: file "pipe.pdf": not a regular file: it is a named pipe (FIFO)`)
	assert.Zero(t, infra.Requests(fakeinfra.EndpointRecipient), "nothing was sent")
	if _, err := os.Stat(paper); err == nil {
		assert.Zero(t, paperLetters(t, paper), "no letter")
	}
}

func TestPlanCommand(t *testing.T) {
	t.Parallel()
	infra, _ := fakeFlags(t)
	src := writeSource(t, infra, 40)
	code, out, errOut := mm(t, "", "plan", "--rate", "4", "--start", "2026-12-01T08:00:00+01:00", "--sender", "162021004748", "--sender-name", "Kommun A", src)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "40")
	assert.Contains(t, out, "2026-12-01")
	code, out, _ = mm(t, "", "plan", "--json", "--sender", "162021004748", "--sender-name", "Kommun A", src)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, `"messages":40`)
	code, _, _ = mm(t, "", "plan", src)
	assert.Equal(t, exitUsage, code, "the sender is needed")
}

// A batch killed with SIGKILL at random points and resumed each time ends
// with every message sent exactly once: nothing lost, nothing twice.
func TestBatchSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the mm command and kills it repeatedly")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "mm")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	infra, conn := fakeFlags(t)
	const n = 1500
	src := writeSource(t, infra, n)
	dir := t.TempDir()
	journalPath, paper := filepath.Join(dir, "journal.db"), filepath.Join(dir, "paper")
	// Paced, so that a run lasts long enough to be killed in the middle:
	// at 400/s the mailing takes 3.75 s of sending, more than the four
	// kills' longest runs together (4 × 0.8 s), so the fourth always finds
	// work left.
	args := append([]string{"send", "--batch", src, "--journal", journalPath, "--paper-dir", paper, "--resume", "--rate", "400"}, conn...)
	rng := rand.New(rand.NewPCG(7, 7))
	kills := 0
	for attempt := 0; ; attempt++ {
		require.Less(t, attempt, 30, "the mailing never finished")
		cmd := exec.Command(bin, args...)
		var outb strings.Builder
		cmd.Stdout, cmd.Stderr = &outb, &outb
		require.NoError(t, cmd.Start())
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kills < 4 {
			select {
			case <-time.After(time.Duration(200+rng.IntN(600)) * time.Millisecond):
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				<-done
				kills++
				continue
			case err := <-done:
				require.NoError(t, err, outb.String())
				break
			}
		} else {
			require.NoError(t, <-done, outb.String())
		}
		break
	}
	t.Logf("killed %d times; operators recognised %d repeats", kills, infra.Duplicates())
	assert.Equal(t, 4, kills)

	j, err := sqlitejournal.Open(journalPath, journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	counts, err := j.Counts(context.Background(), "arsbesked")
	require.NoError(t, err)
	assert.Equal(t, n, counts.Total)
	assert.True(t, counts.Done(), "%v", counts.State)
	assertSentOnce(t, infra, n, paper)
}

// assertSentOnce checks that the mailing writeSource made of n messages
// ended with each stored once by an operator (four in five) or written
// once to the paper folder (the fifth).
func assertSentOnce(t *testing.T, infra *fakeinfra.Infra, n int, paper string) {
	t.Helper()
	stored := map[string]int{}
	for _, d := range infra.Deliveries() {
		stored[d.Message.ID]++
	}
	assert.Len(t, stored, n*4/5)
	for id, k := range stored {
		assert.Equal(t, 1, k, "%s stored %d times", id, k)
	}
	assert.Equal(t, n/5, paperLetters(t, paper), "every paper letter once")
}
