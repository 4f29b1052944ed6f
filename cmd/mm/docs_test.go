package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/cli from the commands")

// docsDir is where the CLI reference pages live, linked from the README.
const docsDir = "../../docs/cli"

// writeReference writes one Markdown page per command into dir.
func writeReference(t *testing.T, dir string) {
	t.Helper()
	root := newRoot(&env{stdin: bytes.NewReader(nil), stdout: io.Discard, stderr: io.Discard})
	var noTag func(c *cobra.Command)
	noTag = func(c *cobra.Command) {
		c.DisableAutoGenTag = true // the pages stay the same from run to run
		for _, sub := range c.Commands() {
			noTag(sub)
		}
	}
	noTag(root)
	require.NoError(t, doc.GenMarkdownTree(root, dir))
}

// The reference pages in docs/cli are what the commands say of
// themselves: regenerate them with
//
//	go test ./cmd/mm -run TestCLIReferencePages -update
func TestCLIReferencePages(t *testing.T) {
	t.Parallel()
	if *updateDocs {
		old, err := filepath.Glob(filepath.Join(docsDir, "mm*.md"))
		require.NoError(t, err)
		for _, f := range old {
			require.NoError(t, os.Remove(f))
		}
		require.NoError(t, os.MkdirAll(docsDir, 0o755))
		writeReference(t, docsDir)
	}
	fresh := t.TempDir()
	writeReference(t, fresh)
	want, err := filepath.Glob(filepath.Join(fresh, "*.md"))
	require.NoError(t, err)
	have, err := filepath.Glob(filepath.Join(docsDir, "mm*.md"))
	require.NoError(t, err)
	assert.Len(t, have, len(want), "docs/cli has pages of commands that are gone, or lacks some: run go test ./cmd/mm -run TestCLIReferencePages -update")
	for _, f := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, filepath.Base(f)))
		if !assert.NoError(t, err, "docs/cli lacks %s: run go test ./cmd/mm -run TestCLIReferencePages -update", filepath.Base(f)) {
			continue
		}
		exp, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, string(exp), string(got), "docs/cli/%s is out of date: run go test ./cmd/mm -run TestCLIReferencePages -update", filepath.Base(f))
	}
}
