package mailing

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Folder is the folder of a mailing's source, from which body_file and
// attachments are read: an fs.FS that keeps paths inside the folder and
// reads only regular files. OpenSource opens one for the JSONL file's
// folder; give one to SourceConfig.Files when the files lie elsewhere.
//
// It is opened with os.OpenRoot, so that no path leaves it: not an absolute
// path, not "..", and not a symbolic link (to a file or to a folder) whose
// target lies outside, however the link is written. Links that stay inside
// are followed. Hard links cannot be told from the files they name: a
// folder is only as closed as the permissions of whoever may write in it.
//
// Open refuses anything but a regular file — a named pipe (FIFO), a device,
// a socket, a folder — and finds out without blocking: the type is checked
// before the file is opened, the file is opened non-blocking, and the type
// is checked again on the open file, so that a FIFO planted by someone who
// may write into the folder can stall nothing.
type Folder struct {
	root *os.Root
}

var _ fs.FS = (*Folder)(nil)

// OpenFolder opens dir as a source's folder. Close it when done.
func OpenFolder(dir string) (*Folder, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("mailing: source folder: %w", err)
	}
	return &Folder{root: root}, nil
}

// Open opens the regular file at name, a slash-separated path relative to
// the folder (fs.ValidPath). Its errors are *fs.PathError values whose Err
// is ErrOutsideFolder, ErrNotRegular, or what the system said.
func (f *Folder) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	file, err := openChecked(name,
		func() (fs.FileInfo, error) { return f.root.Stat(name) },
		func() (*os.File, error) { return f.root.OpenFile(name, os.O_RDONLY|openNonBlocking, 0) })
	if err != nil {
		return nil, err
	}
	return file, nil
}

// openRegular opens the regular file at path without blocking, refusing
// anything else.
func openRegular(path string) (*os.File, error) {
	return openChecked(path,
		func() (fs.FileInfo, error) { return os.Stat(path) },
		func() (*os.File, error) { return os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0) })
}

// openChecked opens a file that must be regular without blocking on
// anything else: it checks the type with stat first, opens with open
// (which must not block, O_NONBLOCK), and checks again that the open file
// is the regular file checked, since the path may have been replaced in
// between.
func openChecked(name string, stat func() (fs.FileInfo, error), open func() (*os.File, error)) (*os.File, error) {
	fail := func(err error) (*os.File, error) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: rootError(err)}
	}
	before, err := stat()
	if err != nil {
		return fail(err)
	}
	if err := regular(before.Mode()); err != nil {
		return fail(err)
	}
	file, err := open()
	if err != nil {
		return fail(err)
	}
	after, err := file.Stat()
	if err == nil {
		err = regular(after.Mode())
	}
	if err == nil && !os.SameFile(before, after) {
		err = errors.New("replaced while it was opened")
	}
	if err != nil {
		_ = file.Close()
		return fail(err)
	}
	return file, nil
}

// Close releases the folder.
func (f *Folder) Close() error { return f.root.Close() }

// ErrOutsideFolder is the cause of an error for a path that leads out of a
// source's folder: through a symbolic link, or otherwise.
var ErrOutsideFolder = errors.New("leads outside the source's folder")

// ErrNotRegular is wrapped by the cause of an error for a path that names
// something other than a regular file.
var ErrNotRegular = errors.New("not a regular file")

// rootError gives an error of os.Root its meaning. os.Root says that a
// path escapes only in its text (the error value is not exported); a test
// pins that text.
func rootError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if err.Error() == "path escapes from parent" {
		return ErrOutsideFolder
	}
	return err
}

// regular returns nil for a regular file, and otherwise an error that says
// what the path names instead.
func regular(m fs.FileMode) error {
	what := ""
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	default:
		what = "of type " + m.Type().String()
	}
	return fmt.Errorf("%w: it is %s", ErrNotRegular, what)
}
