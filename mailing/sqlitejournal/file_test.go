package sqlitejournal

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
)

// A new journal and the -wal and -shm files SQLite makes beside it are
// private, whatever the umask lets through; an existing journal keeps its
// permissions.
func TestSQLiteFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0) // the loosest umask: 0644 would show as 0644
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path, journal.Config{})
	require.NoError(t, err)
	_, err = j.Load(t.Context(), "m", func(yield func(journal.Item, error) bool) {
		yield(journal.Item{MessageID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b", Recipient: message.RecipientID("195303231855"), Payload: []byte("{}")}, nil)
	})
	require.NoError(t, err)
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		require.NoError(t, err, "SQLite in WAL mode keeps %s while open", name)
		assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm(), name)
	}
	require.NoError(t, j.Close())

	// An existing journal made 0640 by its owner stays 0640.
	require.NoError(t, os.Chmod(path, 0o640))
	j, err = Open(path, journal.Config{})
	require.NoError(t, err)
	require.NoError(t, j.Close())
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), info.Mode().Perm())
}

// A symbolic link to nothing is refused: SQLite would create its target
// with permissions of its own choosing.
func TestSQLiteRefusesADanglingLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.db")
	link := filepath.Join(dir, "journal.db")
	require.NoError(t, os.Symlink(target, link))
	_, err := Open(link, journal.Config{})
	require.ErrorContains(t, err, "symbolic link to nothing")
	assert.NoFileExists(t, target)
}
