package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// camelKey is the one key convention of every --json output: camelCase,
// as the receipt writes it.
var camelKey = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// dataKeyed are the fields whose keys are data (a state, a channel, an
// operator, a class), not names of the convention.
var dataKeyed = map[string]bool{"states": true, "channels": true, "operators": true, "byClass": true}

// walkKeys checks every key of v, at any depth, against the convention.
func walkKeys(t *testing.T, where string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			assert.Regexp(t, camelKey, k, "%s: key %q", where, k)
			if m, ok := child.(map[string]any); ok && dataKeyed[k] {
				for _, grand := range m {
					walkKeys(t, where+"."+k+".*", grand)
				}
				continue
			}
			walkKeys(t, where+"."+k, child)
		}
	case []any:
		for _, child := range v {
			walkKeys(t, where+"[]", child)
		}
	}
}

// oneDocument parses out as exactly one JSON document.
func oneDocument(t *testing.T, name, out string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var v any
	require.NoError(t, dec.Decode(&v), "%s: %s", name, out)
	assert.False(t, dec.More(), "%s: one document", name)
	_, isObject := v.(map[string]any)
	assert.True(t, isObject, "%s: an object", name)
	return v
}

// jsonLines parses out as JSON Lines: one object on each line.
func jsonLines(t *testing.T, name, out string) []any {
	t.Helper()
	var all []any
	for line := range strings.Lines(out) {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &v), "%s: each line one object: %q", name, line)
		all = append(all, v)
	}
	assert.NotEmpty(t, all, name)
	return all
}

// Every --json output parses, as one document or as JSON Lines as its help
// says, and every key is camelCase.
func TestCLIJSONConvention(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	msg := []string{"--to", "195303231855", "--subject", "Beslut", "--text", "Hej", "--support-text", "Ring oss"}
	req := filepath.Join(dir, "req.xml")
	code, _, errOut := mmExec(t, "", append([]string{"send", "--fake", "--dry-run", "--out", req}, msg...)...)
	require.Equal(t, exitOK, code, errOut)
	src := filepath.Join(dir, "utskick.jsonl")
	require.NoError(t, os.WriteFile(src, []byte(`{"to":"195303231855","subject":"s","text":"x","support":{"text":"ring"}}`+"\n"+
		`{"to":"198101052382","subject":"s","text":"x","support":{"text":"ring"}}`+"\n"), 0o600))
	journalFile := filepath.Join(dir, "utskick.db")
	code, _, errOut = mmExec(t, "", "send", "--fake", "--batch", src, "--journal", journalFile, "--paper-dir", filepath.Join(dir, "paper"))
	require.Equal(t, exitOK, code, errOut)
	infra, conn := fakeFlags(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient("198101052382", fakeinfra.NoMailbox()))

	documents := map[string][]string{
		"send":           append(append([]string{"send", "--json"}, msg...), conn...),
		"verify":         {"verify", "--json", "--trust", filepath.Join(dir, "req-ca.pem"), req},
		"plan":           {"plan", "--json", src, "--sender", "162021004748", "--sender-name", "Kommun A"},
		"mailing status": {"mailing", "status", "--json", "--journal", journalFile, "--mailing", "utskick"},
		"check":          {"check", "--json", "--fake"},
	}
	for name, args := range documents {
		code, out, errOut := mmExec(t, "", args...)
		require.Equal(t, exitOK, code, "%s: %s", name, errOut)
		walkKeys(t, name, oneDocument(t, name, out))
	}
	lines := map[string][]string{
		"lookup":         append([]string{"lookup", "--json", "195303231855", "198101052382"}, conn...),
		"mailing report": {"mailing", "report", "--json", "--journal", journalFile, "--mailing", "utskick", "--state", "delivered,paper"},
	}
	for name, args := range lines {
		code, out, errOut := mmExec(t, "", args...)
		require.Equal(t, exitOK, code, "%s: %s", name, errOut)
		all := jsonLines(t, name, out)
		assert.Len(t, all, 2, name)
		for _, v := range all {
			walkKeys(t, name, v)
		}
	}

	// mm fake serve --json, and what --dump writes.
	dump := filepath.Join(dir, "dump.json")
	cmd := exec.Command(mmBinary(t), "fake", "serve", "--json", "--dir", filepath.Join(dir, "creds"), "--dump", dump)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	var served map[string]any
	require.NoError(t, json.NewDecoder(stdout).Decode(&served), stderr.String())
	walkKeys(t, "fake serve", served)
	assert.Len(t, served["recipients"], len(demoRecipients))
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), stderr.String())
	walkKeys(t, "fake serve --dump", oneDocument(t, "dump", string(readFile(t, dump))))
}
