package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a hostile server, source or configuration puts in a text: a
// personal number (not the recipient's) and a sequence that clears the
// terminal's line and prints one of its own. XML cannot carry ESC, so a
// server's ESC arrives as U+FFFD; the carriage return and the newline
// arrive as they are, and must not reach a reader.
const (
	strangerID = "198101052382"
	spoof      = "\x1b[2K\rmm send: message delivered OK\n"
	hostile    = "uppgift om " + strangerID + spoof
	// xmlHostile is hostile as a server can write it in XML text: C1's
	// CSI for ESC [, and a bidirectional override.
	xmlHostile = "uppgift om " + strangerID + "\u009b2K\rmm send: message delivered OK\n\u202e"
)

// assertClean checks that none of texts holds the stranger's number
// whole, an ESC or a carriage return, or a line that the spoof began.
func assertClean(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		assert.NotContains(t, s, strangerID)
		for _, c := range []string{"\x1b", "\r", "\u009b", "\u202e"} {
			assert.NotContains(t, s, c)
		}
		for line := range strings.Lines(s) {
			assert.False(t, strings.HasPrefix(line, "mm send: message delivered OK"), "a faked line in:\n%s", s)
		}
	}
}

// An operator's fault description reaches mm send's receipt, its --json
// problem and stderr cleaned.
func TestSendCleansAnOperatorsFault(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.SOAPFaultText(fakeinfra.OperatorEndpoint("kivra"), 5001, hostile))
	for _, asJSON := range []bool{false, true} {
		args := append([]string{"send", "--to", "195303231855", "--subject", "s", "--text", "t", "--support-text", "ring"}, conn...)
		if asJSON {
			args = append(args, "--json")
		}
		code, out, errOut := mm(t, "", args...)
		assert.Equal(t, exitFailed, code, out+errOut)
		assert.Contains(t, out+errOut, "uppgift om 19810105****")
		assertClean(t, out, errOut)
		if asJSON {
			var r struct{ Problem string }
			require.NoError(t, json.Unmarshal([]byte(out), &r), out)
			assert.Contains(t, r.Problem, `uppgift om 19810105****`+"\uFFFD"+`[2K\rmm send: message delivered OK\n`)
		}
	}
}

// FaR's faultstring reaches mm lookup's stderr cleaned.
func TestLookupCleansFaRsFault(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	infra.Inject(fakeinfra.SOAPFaultText(fakeinfra.EndpointRecipient, 5000, hostile))
	code, out, errOut := mm(t, "", append(append([]string{"lookup"}, conn...), "195303231855")...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "uppgift om 19810105****")
	assertClean(t, out, errOut)
}

// An operator's name from FaR (a fake's configured display name) reaches
// mm lookup, in text and JSON, and mm send's receipt cleaned.
func TestOperatorNamesAreCleaned(t *testing.T) {
	t.Parallel()
	ops := append([]fakeinfra.OperatorSpec(nil), fakeinfra.DefaultOperators()...)
	ops[0].DisplayName = "Kivra " + xmlHostile
	infra, conn := fakeFlags(t, fakeinfra.WithOperators(ops...))
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	for _, args := range [][]string{
		{"lookup", "195303231855"},
		{"lookup", "--json", "195303231855"},
		{"send", "--to", "195303231855", "--subject", "s", "--text", "t", "--support-text", "ring"},
	} {
		args = append(append([]string{args[0]}, conn...), args[1:]...)
		code, out, errOut := mm(t, "", args...)
		require.Equal(t, exitOK, code, out+errOut)
		assert.Contains(t, out, "Kivra uppgift om 19810105****", "%v", args)
		assertClean(t, out, errOut)
		assert.NotContains(t, out, `\u001b`, "not even JSON-escaped")
	}
}

// A mailing whose deliveries an operator refuses with a hostile text: the
// journal keeps the text cleaned, and mm send --batch and mm mailing
// report (text and JSON) show it cleaned; so is the mailing's name.
func TestBatchJournalAndReportAreCleaned(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	for _, op := range infra.Operators() {
		infra.Inject(fakeinfra.SOAPFaultText(fakeinfra.OperatorEndpoint(op), 5001, hostile))
	}
	src := writeSource(t, infra, 10)
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.db")
	name := "utskick " + hostile
	code, out, errOut := mm(t, "", append([]string{"send", "--batch", src, "--journal", journalPath, "--mailing", name,
		"--paper-dir", filepath.Join(dir, "paper")}, conn...)...)
	assert.Equal(t, exitFailed, code, out+errOut)
	assert.Contains(t, out, "mailing utskick uppgift om 19810105****")
	assertClean(t, out, errOut)

	j, err := sqlitejournal.Open(journalPath, journal.Config{})
	require.NoError(t, err)
	failed := 0
	for e, err := range j.List(t.Context(), name, journal.Filter{States: []journal.State{journal.Failed}}) {
		require.NoError(t, err)
		failed++
		assert.Contains(t, e.Error, "uppgift om 19810105****")
		assertClean(t, e.Error)
		if e.Receipt != nil {
			assertClean(t, e.Receipt.Problem)
		}
	}
	require.NoError(t, j.Close())
	assert.Equal(t, 8, failed, "the four in five with a mailbox")

	for _, asJSON := range []bool{false, true} {
		args := []string{"mailing", "report", "--journal", journalPath, "--mailing", name, "--state", "failed"}
		if asJSON {
			args = append(args, "--json")
		}
		code, out, errOut := mm(t, "", args...)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "uppgift om 19810105****")
		assertClean(t, out, errOut)
	}
}

// Names in a fake's configuration reach mm fake serve's text cleaned, and
// so do the mistakes it reports in one.
func TestFakeServeCleansConfigNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fake.json")
	b, err := json.Marshal(map[string]any{"sender": map[string]string{"org": "202100-4748", "name": "Kommun A " + hostile}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, b, 0o600))
	s := serveFake(t, func(ctx context.Context, stdout, stderr io.Writer) int {
		return fakeCommand(ctx, []string{"serve", "--config", cfg, "--dir", filepath.Join(dir, "creds")}, stdout, stderr)
	})
	text := readFakeText(s)
	assert.Contains(t, text, "Kommun A uppgift om 19810105****")
	assertClean(t, text)
	assert.Equal(t, exitOK, s.stop())

	bad := filepath.Join(dir, "bad.json")
	b, err = json.Marshal(map[string]int{hostile: 1}) // an unknown field named by the spoof
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, b, 0o600))
	code, out, errOut := mm(t, "", "fake", "serve", "--config", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "uppgift om 19810105****")
	assertClean(t, out, errOut)
}

// A proof bundle is a file anyone may have written: the texts of its
// receipt that nothing checks (the operator's name) reach mm verify's
// output cleaned.
func TestVerifyCleansAProofsTexts(t *testing.T) {
	t.Parallel()
	proof, ca := sendWithProof(t)
	var bundle map[string]any
	require.NoError(t, json.Unmarshal(readFile(t, proof), &bundle))
	r := bundle["receipt"].(map[string]any)
	r["operator"].(map[string]any)["name"] = "Kivra " + hostile
	b, err := json.Marshal(bundle)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(proof, b, 0o600))
	code, out, errOut := mm(t, "", "verify", "--trust", ca, proof)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "at Kivra uppgift om 19810105****")
	assertClean(t, out, errOut)
}
