package mailing

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
)

// Source is a mailing's messages in JSONL, one message a line (the format
// is in the package documentation). It reads the file from the start on
// every pass and holds one line at a time, so memory stays flat however
// long the file is. A Source is safe for concurrent use if Open and Files
// are.
type Source struct {
	name        string
	open        func() (io.ReadCloser, error)
	files       fs.FS
	now         func() time.Time
	maxLine     int
	maxProblems int
	// folder is the Folder OpenSource opened, closed by Close.
	folder *Folder
}

// SourceConfig configures a Source.
type SourceConfig struct {
	// Mailing is the mailing's name: the key of its entries in a journal,
	// and part of every derived message ID. Required.
	Mailing string
	// Open opens the JSONL from its start; each pass calls it once.
	// Required.
	Open func() (io.ReadCloser, error)
	// Files holds the files that body_file and attachments name, by paths
	// relative to its root. Nil refuses lines that name files. A *Folder
	// keeps every path inside its folder and reads only regular files; an
	// fs.FS that follows symbolic links (os.DirFS) lets a link lead out,
	// and one that opens named pipes blocking lets a FIFO stall the
	// mailing. The source itself checks that what Files opens is a
	// regular file before reading it.
	Files fs.FS
	// Now decides the century of a 2-digit year in a personal number
	// (YYMMDD-NNNN); nil means time.Now. Fix it for a mailing that may be
	// resumed on another day, where a birthday could tip the century.
	Now func() time.Time
	// MaxLineBytes bounds a line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxProblems bounds the problems Validate lists (the rest are
	// counted); 0 means 1000.
	MaxProblems int
}

// DefaultMaxLineBytes bounds a line: a message carries at most 2 MB on the
// wire, and its text cannot be larger than that in the JSONL either,
// escaping aside.
const DefaultMaxLineBytes = 4 << 20

// NewSource returns a Source read through cfg.
func NewSource(cfg SourceConfig) (*Source, error) {
	switch {
	case cfg.Mailing == "":
		return nil, errors.New("mailing: source: mailing name is empty")
	case cfg.Open == nil:
		return nil, errors.New("mailing: source: Open is nil")
	}
	s := &Source{name: cfg.Mailing, open: cfg.Open, files: cfg.Files, now: cfg.Now,
		maxLine: cfg.MaxLineBytes, maxProblems: cfg.MaxProblems}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxLine <= 0 {
		s.maxLine = DefaultMaxLineBytes
	}
	if s.maxProblems <= 0 {
		s.maxProblems = 1000
	}
	return s, nil
}

// OpenSource returns a Source for the JSONL file at path, whose
// body_file and attachment paths are relative to the file's folder and may
// not leave it: the folder is opened as a Folder. The JSONL must be a
// regular file, since every pass reads it again. Close the Source when
// done.
func OpenSource(mailing, path string) (*Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mailing: source: %w", err)
	}
	if err := regular(st.Mode()); err != nil {
		return nil, fmt.Errorf("mailing: source %s: %w", safetext.Clean(path), err)
	}
	folder, err := OpenFolder(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	s, err := NewSource(SourceConfig{
		Mailing: mailing,
		Open:    func() (io.ReadCloser, error) { return openRegular(path) },
		Files:   folder,
	})
	if err != nil {
		_ = folder.Close()
		return nil, err
	}
	s.folder = folder
	return s, nil
}

// Close releases the folder OpenSource opened; for a Source made with
// NewSource it does nothing.
func (s *Source) Close() error {
	if s.folder == nil {
		return nil
	}
	return s.folder.Close()
}

// Mailing returns the mailing's name.
func (s *Source) Mailing() string { return s.name }

// lines yields each non-blank line with its number, or a *LineError for a
// line too long (which is skipped), or the error that ended the reading.
func (s *Source) lines(ctx context.Context) iter.Seq2[*line, error] {
	return func(yield func(*line, error) bool) {
		rc, err := s.open()
		if err != nil {
			yield(nil, fmt.Errorf("mailing: source: %w", err))
			return
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, 64<<10)
		var buf []byte
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			raw, tooLong, err := readLine(br, buf[:0], s.maxLine)
			buf = raw
			if err != nil && err != io.EOF {
				yield(nil, fmt.Errorf("mailing: source: line %d: %w", n, err))
				return
			}
			if tooLong {
				if !yield(nil, &LineError{Line: n, Err: fmt.Errorf("longer than %d bytes", s.maxLine)}) {
					return
				}
			} else if t := bytes.TrimSpace(raw); len(t) > 0 {
				if !yield(&line{n: n, raw: t}, nil) {
					return
				}
			}
			if err == io.EOF {
				return
			}
		}
	}
}

// readLine reads one line into buf, without its line end. A line longer
// than max is read to its end and dropped, and tooLong is set.
func readLine(br *bufio.Reader, buf []byte, max int) (out []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max+2 { // +2: the line end
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

// parse reads a line into the model.
func (s *Source) parse(l *line) (*line, []*LineError) { return parseLine(l.n, l.raw, s.now()) }

// idOf returns the line's ID: its own, or the one derived from it.
func (s *Source) idOf(l *line) string {
	if l.explicitID {
		return l.msg.ID
	}
	return DeriveID(s.name, l.canonical())
}

// Validate reads the whole source and checks every line as it would be
// sent — the JSON, the fields, the identity numbers, the files, every rule
// of message.Validate including the 2 MB limit — and that no two lines
// have one message ID. It returns the number of messages, and a
// *SourceError listing every problem by line when there is any. Nothing is
// kept but 16 bytes per line, to find repeated IDs.
func (s *Source) Validate(ctx context.Context) (int, error) {
	p := problems{max: s.maxProblems}
	seen := map[[16]byte]int{}
	count := 0
	for l, err := range s.lines(ctx) {
		var le *LineError
		if errors.As(err, &le) {
			p.add(le)
			continue
		}
		if err != nil {
			return count, err
		}
		parsed, errs := s.parse(l)
		_, errs = s.build(parsed, errs)
		if id, ok := uuidBytes(s.idOf(parsed)); ok && (len(errs) == 0 || parsed.explicitID) {
			if first, dup := seen[id]; dup {
				errs = append(errs, duplicateError(parsed, first))
			} else {
				seen[id] = l.n
			}
		}
		p.add(errs...)
		count++
	}
	return count, p.result()
}

func duplicateError(l *line, first int) *LineError {
	if l.explicitID {
		return &LineError{Line: l.n, Field: "id", Err: fmt.Errorf("same message ID as line %d: an ID names one message", first)}
	}
	return &LineError{Line: l.n, Err: fmt.Errorf("same content as line %d, so the same derived message ID: give each line an id to send both", first)}
}

// Messages yields the source's messages in order, each with its ID set
// and SetDefaults applied, reading each message's files when it is
// yielded. A line with problems yields a *SourceError for it and the
// reading goes on; an error reading the source itself ends it. Run
// Validate first: this pass does not look for repeated IDs.
func (s *Source) Messages(ctx context.Context) iter.Seq2[*message.Message, error] {
	return func(yield func(*message.Message, error) bool) {
		for l, err := range s.lines(ctx) {
			if err != nil {
				if !yield(nil, lineErr(err)) {
					return
				}
				continue
			}
			if !yield(s.decode(l)) {
				return
			}
		}
	}
}

// lineErr wraps a line's own problem in a SourceError, as Messages yields
// every line problem.
func lineErr(err error) error {
	var le *LineError
	if errors.As(err, &le) {
		return &SourceError{Problems: []*LineError{le}}
	}
	return err
}

// Items yields each line as a journal Item — message ID, recipient and the
// line itself as payload — without reading any file, for Journal.Load. A
// line that cannot be read yields a *SourceError.
func (s *Source) Items(ctx context.Context) iter.Seq2[journal.Item, error] {
	return func(yield func(journal.Item, error) bool) {
		for l, err := range s.lines(ctx) {
			if err != nil {
				if !yield(journal.Item{}, lineErr(err)) {
					return
				}
				continue
			}
			parsed, errs := s.parse(l)
			if len(errs) > 0 {
				if !yield(journal.Item{}, &SourceError{Problems: errs}) {
					return
				}
				continue
			}
			it := journal.Item{MessageID: s.idOf(parsed), Recipient: parsed.msg.Recipient, Payload: bytes.Clone(l.raw)}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// Decode rebuilds a message from a payload that Items gave (a line of the
// source), reading its files from the source's Files: what a worker that
// claimed the entry does. Problems are a *SourceError; their line number
// is 0, since a payload stands alone.
func (s *Source) Decode(payload []byte) (*message.Message, error) {
	return s.decode(&line{raw: payload})
}

func (s *Source) decode(l *line) (*message.Message, error) {
	m, errs := s.build(s.parse(l))
	if len(errs) > 0 {
		return nil, &SourceError{Problems: errs}
	}
	return m, nil
}
