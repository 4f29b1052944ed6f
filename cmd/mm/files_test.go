package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plantLink puts at path a symbolic link to a file elsewhere holding
// "untouched", and returns that file's path.
func plantLink(t *testing.T, path string) (victim string) {
	t.Helper()
	victim = filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("untouched"), 0o644))
	require.NoError(t, os.Symlink(victim, path))
	return victim
}

// A symbolic link planted where a key goes is replaced, not followed; a
// file there before keeps neither its content nor its permissions.
func TestWriteFileReplacesLinksAndModes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(dir, "link.key")
	victim := plantLink(t, link)
	dangling := filepath.Join(dir, "dangling.key")
	require.NoError(t, os.Symlink(filepath.Join(t.TempDir(), "new"), dangling))
	open := filepath.Join(dir, "open.key")
	require.NoError(t, os.WriteFile(open, []byte("old"), 0o644))
	require.NoError(t, os.Chmod(open, 0o644))

	for _, path := range []string{link, dangling, open, filepath.Join(dir, "new.key")} {
		require.NoError(t, writeFile(path, []byte("secret"), 0o600), path)
		info, err := os.Lstat(path)
		require.NoError(t, err)
		assert.True(t, info.Mode().IsRegular(), "%s is a file, not a link", path)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), path)
		assert.Equal(t, "secret", string(readFile(t, path)))
	}
	assert.Equal(t, "untouched", string(readFile(t, victim)))
	assert.NoFileExists(t, filepath.Join(filepath.Dir(dangling), "new"))

	require.NoError(t, writeFile(open, []byte("cert"), 0o644))
	info, err := os.Stat(open)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm(), "a certificate may be read by all")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 4, "no temporary file left")
}

// mm fake serve --dir writes its keys through writeFile: a symbolic link
// at a key's path and a world-readable PKCS#12 file there before end up
// as private files of the fake's own.
func TestFakeServeDirIsPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := filepath.Join(dir, "sender-162021004748.key")
	p12 := filepath.Join(dir, "sender-162021004748.p12")
	victim := plantLink(t, key)
	require.NoError(t, os.WriteFile(p12, []byte("old"), 0o644))
	require.NoError(t, os.Chmod(p12, 0o644))
	_, out := serveJSON(t, "--dir", dir)
	id := identity(t, out, "sender", "162021004748")
	require.Equal(t, key, id.Key)
	for path, perm := range map[string]os.FileMode{id.Key: 0o600, id.PKCS12: 0o600, id.Cert: 0o644, out.CA: 0o644} {
		info, err := os.Lstat(path)
		require.NoError(t, err)
		assert.True(t, info.Mode().IsRegular(), path)
		assert.Equal(t, perm, info.Mode().Perm(), path)
	}
	assert.Equal(t, "untouched", string(readFile(t, victim)))
	assert.Contains(t, string(readFile(t, id.Key)), "PRIVATE KEY")
}

// Every signal that can be caught ends mm fake serve with its temporary
// folder, keys and all, removed.
func TestFakeServeRemovesKeysOnEverySignal(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the built mm command")
	}
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			p := startMMPiped(t, "fake", "serve", "--json")
			var out fakeOut
			require.NoError(t, json.NewDecoder(bufio.NewReader(p.stdout)).Decode(&out), "stderr: %s", p.errOut)
			key := identity(t, out, "sender", "162021004748").Key
			require.FileExists(t, key)
			require.Eventually(t, func() bool { return strings.Contains(p.errOut.String(), "serving") }, stopBound, 10*time.Millisecond)
			code, _ := p.stop(t, sig)
			assert.Equal(t, exitOK, code, p.errOut.String())
			assert.NoFileExists(t, key)
			assert.NoDirExists(t, out.Dir, "the temporary folder is removed")
		})
	}
}
