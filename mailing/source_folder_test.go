package mailing

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileFolder makes a source folder beside a secret it must not reach,
// and returns the folder and the secret's path.
func hostileFolder(t *testing.T) (dir, secret string) {
	t.Helper()
	top := t.TempDir()
	dir = filepath.Join(top, "source")
	outside := filepath.Join(top, "outside")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Mkdir(outside, 0o700))
	secret = filepath.Join(outside, "secret.pdf")
	require.NoError(t, os.WriteFile(secret, []byte("%PDF secret"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ok.pdf"), []byte("%PDF ok"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bilagor"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bilagor", "beslut.pdf"), []byte("%PDF beslut"), 0o600))
	return dir, secret
}

// attachmentLine is a source line with one attachment at path.
func attachmentLine(path string) string {
	return fmt.Sprintf(`{"to":"195303231855","subject":"s","text":"t","support":{"text":"ring"},"attachments":[{"path":%q,"filename":"a.pdf"}]}`, path)
}

// validateFile writes lines as a JSONL in dir, opens it with OpenSource
// and validates it, failing the test if that takes longer than a bound
// (a FIFO that blocked the reading would).
func validateFile(t *testing.T, dir string, lines ...string) (int, error) {
	t.Helper()
	f, err := os.CreateTemp(dir, "utskick-*.jsonl") // parallel tests share dir
	require.NoError(t, err)
	_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	src, err := OpenSource("utskick", f.Name())
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := src.Validate(t.Context())
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		return r.n, r.err
	case <-time.After(30 * time.Second):
		t.Fatal("Validate blocked")
		return 0, nil
	}
}

// A path that leads out of the source's folder — through a symbolic link
// to a file or to a folder, with .., or absolute — is refused with the
// line, the field and the path; nothing outside is read.
func TestSourceFolderKeepsPathsInside(t *testing.T) {
	t.Parallel()
	dir, secret := hostileFolder(t)
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.pdf")))
	require.NoError(t, os.Symlink(filepath.Dir(secret), filepath.Join(dir, "linkdir")))
	require.NoError(t, os.Symlink("../outside/secret.pdf", filepath.Join(dir, "relative.pdf")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.pdf")))
	require.NoError(t, os.Symlink("bilagor/beslut.pdf", filepath.Join(dir, "inside.pdf")))
	for _, c := range []struct {
		name, path string
		want       error
		text       string
	}{
		{"symlink to a file outside", "link.pdf", ErrOutsideFolder, `file "link.pdf": leads outside the source's folder`},
		{"symlink to a folder outside", "linkdir/secret.pdf", ErrOutsideFolder, `file "linkdir/secret.pdf": leads outside`},
		{"relative symlink out", "relative.pdf", ErrOutsideFolder, `file "relative.pdf": leads outside`},
		{"device through a symlink", "zero.pdf", ErrOutsideFolder, `file "zero.pdf": leads outside`},
		{"dot-dot", "../outside/secret.pdf", fs.ErrInvalid, `path "../outside/secret.pdf" must be relative`},
		{"dot-dot inside the path", "bilagor/../../outside/secret.pdf", fs.ErrInvalid, `no ..`},
		{"absolute", secret, fs.ErrInvalid, "must be relative"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := validateFile(t, dir, attachmentLine("ok.pdf"), attachmentLine(c.path))
			require.Error(t, err)
			assert.ErrorIs(t, err, c.want)
			var le *LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 2, le.Line)
			assert.Equal(t, "attachments[0].path", le.Field)
			assert.Contains(t, err.Error(), "line 2: attachments[0].path: ")
			assert.Contains(t, err.Error(), c.text)
			assert.NotContains(t, err.Error(), "line 1")
		})
	}
	t.Run("a symlink that stays inside is followed", func(t *testing.T) {
		t.Parallel()
		n, err := validateFile(t, dir, attachmentLine("inside.pdf"), attachmentLine("bilagor/beslut.pdf"))
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})
	t.Run("body_file alike", func(t *testing.T) {
		t.Parallel()
		_, err := validateFile(t, dir, `{"to":"195303231855","subject":"s","body_file":"linkdir/secret.txt","support":{"text":"ring"}}`)
		assert.ErrorIs(t, err, ErrOutsideFolder)
		assert.Contains(t, err.Error(), `line 1: body_file: file "linkdir/secret.txt"`)
	})
}

// Messages, as mailing.Send reads them, gets the same refusal and never the
// outside file's bytes.
func TestSourceMessagesNeverReadOutside(t *testing.T) {
	t.Parallel()
	dir, secret := hostileFolder(t)
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.pdf")))
	path := filepath.Join(dir, "u.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(attachmentLine("link.pdf")+"\n"), 0o600))
	src, err := OpenSource("u", path)
	require.NoError(t, err)
	defer src.Close()
	for m, err := range src.Messages(t.Context()) {
		assert.Nil(t, m)
		assert.ErrorIs(t, err, ErrOutsideFolder)
	}
}

// Only regular files are read, and finding out blocks on nothing: a FIFO
// nobody writes to, a socket, a folder, a device are refused with what
// they are.
func TestSourceFolderReadsOnlyRegularFiles(t *testing.T) {
	t.Parallel()
	dir, _ := hostileFolder(t)
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o600))
	sock := filepath.Join(dir, "sock.pdf")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	cases := []struct{ path, what string }{
		{"pipe.pdf", "a named pipe (FIFO)"},
		{"sock.pdf", "a socket"},
		{"bilagor", "a folder"},
	}
	// A device node in the folder, where this test may make one (root).
	if err := syscall.Mknod(filepath.Join(dir, "null.pdf"), syscall.S_IFCHR|0o600, 1<<8|3); err == nil {
		cases = append(cases, struct{ path, what string }{"null.pdf", "a device"})
	} else {
		t.Logf("no device node in the folder (%v): the device case runs through a symlink only", err)
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			_, err := validateFile(t, dir, attachmentLine(c.path))
			require.ErrorIs(t, err, ErrNotRegular)
			assert.Contains(t, err.Error(), fmt.Sprintf(`line 1: attachments[0].path: file %q: not a regular file: it is %s; only regular files are read`, c.path, c.what))
		})
	}
}

// The JSONL itself must be a regular file: a FIFO is refused at once.
func TestOpenSourceRefusesAFIFO(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "u.jsonl")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	_, err := OpenSource("u", path)
	require.ErrorIs(t, err, ErrNotRegular)
	assert.Contains(t, err.Error(), "named pipe")
}

// A path replaced by a FIFO between the check and the open is caught on
// the open file, and the open does not block.
func TestOpenCheckedCatchesASwap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.pdf")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	_, err := openChecked("a.pdf",
		func() (fs.FileInfo, error) { return os.Stat(path) },
		func() (*os.File, error) {
			require.NoError(t, os.Remove(path))
			require.NoError(t, syscall.Mkfifo(path, 0o600))
			return os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
		})
	require.ErrorIs(t, err, ErrNotRegular)

	// Replaced by another regular file: not the file checked.
	require.NoError(t, os.Remove(path))
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
	other := filepath.Join(dir, "b.pdf")
	require.NoError(t, os.WriteFile(other, []byte("y"), 0o600))
	_, err = openChecked("a.pdf",
		func() (fs.FileInfo, error) { return os.Stat(path) },
		func() (*os.File, error) {
			require.NoError(t, os.Rename(other, path))
			return os.Open(path)
		})
	assert.ErrorContains(t, err, "replaced while it was opened")
}

// os.Root tells an escape only by its error's text; this pins it, so that
// a Go release that changes it fails here and not in the field.
func TestRootEscapeText(t *testing.T) {
	t.Parallel()
	dir, secret := hostileFolder(t)
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.pdf")))
	f, err := OpenFolder(dir)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Open("link.pdf")
	require.ErrorIs(t, err, ErrOutsideFolder)
	_, err = f.root.Stat("link.pdf")
	assert.False(t, errors.Is(err, fs.ErrNotExist))
	assert.Equal(t, ErrOutsideFolder, rootError(err))
}
