package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeSection returns the README's section that starts with title.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(b)
	i := strings.Index(s, title)
	require.Positive(t, i, title)
	s = s[i+len(title):]
	if end := strings.Index(s, "\n## "); end >= 0 {
		s = s[:end]
	}
	return s
}

// The README's command examples run, exactly as written, one after the
// other in an empty folder with the built mm on the PATH, and each exits 0.
func TestReadmeCommandsRun(t *testing.T) {
	t.Parallel()
	section := readmeSection(t, "## The command line")
	start := strings.Index(section, "```sh\n")
	require.Positive(t, start)
	block := section[start+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	dir := t.TempDir()
	path := filepath.Dir(mmBinary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
	lines := 0
	for line := range strings.Lines(block) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		lines++
		cmd := exec.Command("bash", "-c", line)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+path)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s\n%s", line, out)
	}
	assert.GreaterOrEqual(t, lines, 8)
}

// The exit-status contract mm help states is the README's, word for word.
func TestReadmeExitContract(t *testing.T) {
	t.Parallel()
	assert.Contains(t, readmeSection(t, "## The command line"), exitContract)
	code, out, _ := mm(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, exitContract)
}
