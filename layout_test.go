package mm_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shape of the tree, as the design sets it (DESIGN.md, "Packages"):
// what the root links, how large a program that only sends one message
// is, how many files the root has, how long a file may grow, and that no
// public package shows users an internal type.

// goTool runs the go command in the module's root and returns its output.
func goTool(t *testing.T, args ...string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	cmd := exec.Command(gobin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go %s: %s", strings.Join(args, " "), stderr.String())
	return string(out)
}

// A program that sends one message links no database: the root package
// imports neither mailing nor any SQL driver.
func TestRootLinksNoDatabase(t *testing.T) {
	t.Parallel()
	deps := strings.Fields(goTool(t, "list", "-deps", "."))
	require.NotEmpty(t, deps)
	for _, d := range deps {
		for _, banned := range []string{"sqlite", "database/sql", "jackc/pgx", "avsandare/mm/mailing", "avsandare/mm/paperdir"} {
			assert.NotContains(t, d, banned)
		}
	}
}

// TestSendOnlyProgramSize builds testdata/sendone, which sends one message
// and does nothing else, as a release is built (-trimpath, symbols and
// DWARF left out: what a sender ships), and logs the default build's size
// beside it.
func TestSendOnlyProgramSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program: not in -short")
	}
	t.Parallel()
	dir := t.TempDir()
	release, plain := filepath.Join(dir, "sendone"), filepath.Join(dir, "sendone-debug")
	goTool(t, "build", "-trimpath", "-ldflags=-s -w", "-o", release, "./testdata/sendone")
	goTool(t, "build", "-o", plain, "./testdata/sendone")
	size := func(p string) float64 {
		st, err := os.Stat(p)
		require.NoError(t, err)
		return float64(st.Size()) / 1e6
	}
	t.Logf("a program that sends one message: %.1f MB as released, %.1f MB with symbols and DWARF", size(release), size(plain))
	assert.Less(t, size(release), 10.0, "MB")
}

// The root package sends one message; at most ten files do that.
func TestRootHasAtMostTenFiles(t *testing.T) {
	t.Parallel()
	files := strings.Fields(goTool(t, "list", "-f", `{{join .GoFiles " "}}`, "."))
	assert.LessOrEqual(t, len(files), 10, "%v", files)
}

// No file in the tree is over 500 lines: one concept per file.
func TestNoFileOver500Lines(t *testing.T) {
	t.Parallel()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "shared") {
				return filepath.SkipDir
			}
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		lines := 0
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for sc.Scan() {
			lines++
		}
		if sc.Err() == nil {
			assert.LessOrEqual(t, lines, 500, path)
		}
		return nil
	})
	require.NoError(t, err)
}

// internalName matches a use of an internal package's name in an API.
var internalName = regexp.MustCompile(`\b(soap|canon|xmltok|xmlseq|testpki|conformance|testmsg|testsender|telemetry|telemetrytest)\.[A-Z]|/internal/`)

// What go doc shows of a public package names no internal type: users
// could not name it.
func TestPublicAPIShowsNoInternalType(t *testing.T) {
	t.Parallel()
	pkgs := strings.Fields(goTool(t, "list", "-f", `{{if ne .Name "main"}}{{.ImportPath}}{{end}}`, "./..."))
	require.NotEmpty(t, pkgs)
	for _, p := range pkgs {
		if strings.Contains(p, "/internal/") {
			continue
		}
		doc := goTool(t, "doc", "-all", p)
		for i, line := range strings.Split(doc, "\n") {
			assert.NotRegexp(t, internalName, line, "%s, go doc line %d", p, i+1)
		}
	}
}
