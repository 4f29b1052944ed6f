package mailing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spoofJSON is, inside a JSON string, what prints a fake line on a
// terminal, and a personal number.
const spoofJSON = `195303231855\u001b[2K\rmm send: message delivered OK\n`

// A source line's problems quote the line — an unknown field's name, a
// refused value, a file name — and the report shows them cleaned: the
// number masked, no control character.
func TestSourceProblemsAreCleaned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lines := []string{
		`{"to":"195303231855","subject":"s","text":"t","support":{"text":"ring"},"` + spoofJSON + `":"x"}`,
		`{"to":"195303231855","subject":"s","text":"t","support":{"text":"ring"},"language":"` + spoofJSON + `"}`,
		`{"to":"195303231855","subject":"s","text":"t","support":{"text":"ring"},"attachments":[{"path":"beslut-195303231855.pdf"}]}`,
		`{"to":"195303231855","subject":"s","text":"t","support":{"text":"ring"},"metadata":{"` + spoofJSON + `":1}}`,
	}
	path := filepath.Join(dir, "u.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	src, err := OpenSource("u", path)
	require.NoError(t, err)
	defer src.Close()
	_, err = src.Validate(t.Context())
	require.Error(t, err)
	text := err.Error()
	for _, n := range []string{"1", "2", "3", "4"} {
		assert.Contains(t, text, "line "+n+": ")
	}
	assert.Contains(t, text, "line 1: 19530323****\uFFFD[2K\\rmm send: message delivered OK\\n: unknown field")
	assert.Contains(t, text, `beslut-19530323****.pdf`)
	assert.NotContains(t, text, "195303231855")
	assert.NotContains(t, text, "\x1b")
	assert.NotContains(t, text, "\r")
	assert.Len(t, strings.Split(text, "\n"), 6, "a heading and one line per problem (two on line 4):\n%s", text)
}
