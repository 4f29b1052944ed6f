package main

import (
	"os"
	"path/filepath"
)

// writeFile writes data as the file at path with permissions perm, safely
// for a file that holds keys or personal data: into a new temporary file
// in the same folder (created exclusively, 0600, so nobody reads it while
// it fills), synced, then renamed over path. A symbolic link planted at
// path is replaced, never followed, and an existing file's permissions
// are not kept: the file ends up with perm, whatever was there.
func writeFile(path string, data []byte, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
