package mailing

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
)

// build reads the files a parsed line names and validates the message,
// adding to errs, the parser's problems, those not reported yet. It
// returns a message only when there is no problem at all.
func (s *Source) build(l *line, errs []*LineError) (*message.Message, []*LineError) {
	if l.broken {
		return nil, errs
	}
	fail := func(field string, err error) { errs = append(errs, &LineError{Line: l.n, Field: field, Err: err}) }
	m := l.msg // the line stays as parsed, for its canonical form
	m.Attachments = append([]message.Attachment(nil), l.msg.Attachments...)
	if l.bodyFile != "" {
		b, err := s.readFile(l.bodyFile)
		if err != nil {
			fail("body_file", err)
		}
		m.Body.Text = string(b)
	}
	for i, p := range l.attachmentPaths {
		if p == "" {
			continue // reported by the parser
		}
		b, err := s.readFile(p)
		if err != nil {
			fail(fmt.Sprintf("attachments[%d].path", i), err)
		}
		m.Attachments[i].Data = b
	}
	m.ID = s.idOf(l)
	m.SetDefaults()
	if err := m.Validate(); err != nil {
		for _, e := range flatten(err) {
			field := ""
			var ve *message.ValidationError
			if errors.As(e, &ve) {
				field = jsonField(ve.Field)
			}
			if !reported(errs, field) {
				fail(field, e)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &m, nil
}

// reported tells whether a file problem was already reported for field,
// so that a missing attachment is not also "must not be empty".
func reported(errs []*LineError, field string) bool {
	for _, e := range errs {
		if e.Field == field || (field == "body" && e.Field == "body_file") {
			return true
		}
	}
	return false
}

// readFile reads a file named by the source, refusing more than a message
// can carry, so that a wrong path to a large file costs no memory.
func (s *Source) readFile(name string) ([]byte, error) {
	if s.files == nil {
		return nil, errors.New("the source has no folder to read files from")
	}
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("path %q must be relative, with / between folders, and stay inside the source's folder (no leading /, no ..): %w", safetext.Clean(name), fs.ErrInvalid)
	}
	f, err := s.files.Open(name)
	if err != nil {
		return nil, fileError(name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil {
		err = regular(st.Mode())
	}
	if err != nil {
		return nil, fileError(name, &fs.PathError{Op: "stat", Path: name, Err: err})
	}
	b, err := io.ReadAll(io.LimitReader(f, message.MaxSecureMessage+1))
	if err != nil {
		return nil, fileError(name, err)
	}
	if len(b) > message.MaxSecureMessage {
		return nil, fmt.Errorf("%w: file is larger than a message may be (%d bytes)", message.ErrTooLarge, message.MaxSecureMessage)
	}
	return b, nil
}

// fileError keeps the cause of an fs error and names the file as the
// source gives it (relative to the source's folder, cleaned of personal
// numbers and control characters), not the operation or the full path.
func fileError(name string, err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	name = safetext.Clean(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("file %q not found: %w", name, fs.ErrNotExist)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("file %q not readable: %w", name, fs.ErrPermission)
	case errors.Is(err, ErrOutsideFolder):
		return fmt.Errorf("file %q: %w: paths and symbolic links may not leave it", name, ErrOutsideFolder)
	case errors.Is(err, ErrNotRegular):
		return fmt.Errorf("file %q: %w; only regular files are read", name, pe.Err)
	}
	return fmt.Errorf("file %q not readable: %w", name, pe.Err)
}

// flatten returns the errors joined in err.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
