package sqlitejournal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// createPrivate makes the journal's file, empty and 0600, when path names
// nothing yet. SQLite would create it 0644 (less the umask), and it gives
// the -wal and -shm files it makes beside a database the database file's
// permissions: so a journal made here keeps all three private, as full
// identity numbers and payloads need. The file is created exclusively,
// which follows no symbolic link. An existing file is left as it is, never
// loosened: its owner chose its permissions. A symbolic link to nothing is
// refused, since SQLite would create its target with its own permissions.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("sqlitejournal: create journal: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlitejournal: journal %s is a symbolic link to nothing", path)
	}
	return nil
}
