package paperdir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/avsandare/mm/message"
)

// ErrConflict means a paper message with the same ID but different
// content is already in the directory. Dir never overwrites it:
// a letter may already be printed, and a message ID names one letter.
var ErrConflict = errors.New("paper mail: different content already written under this message ID")

// tmpPrefix starts the name of a folder being written. Readers skip
// names starting with a dot.
const tmpPrefix = ".tmp-"

// Dir is an mm.PaperMail that writes each message into a folder for a
// print provider to pick up:
//
//	<dir>/<message ID>/manifest.json        what the letter is (Manifest)
//	<dir>/<message ID>/body.txt or body.html the text, UTF-8
//	<dir>/<message ID>/attachments/<name>    each attachment, under its filename
//
// The folder holds personal data — the recipient's full number, which the
// print provider needs to address the letter, and the letter itself — so
// folders are created 0700 and files 0600; keep dir where such data may be.
//
// Writes are atomic: everything goes into a sibling folder
// ".tmp-<ID>-<random>", every file and folder is synced, and the folder is
// renamed into place, so a crash never leaves a half-written folder under a
// message ID. A reader (Read, the print provider) takes only folders whose
// names do not start with a dot; Clean removes what crashes leave behind.
// Sending an ID already present succeeds without writing when the content
// is the same (see Manifest.ContentSHA256) and fails with ErrConflict when
// it is not. A Dir is safe for concurrent use; several processes may share
// one directory, since the rename decides which write of an ID wins.
type Dir struct {
	root *os.Root

	mu       sync.Mutex
	locks    map[string]*idLock // per message ID, while in use
	inFlight map[string]bool    // temporary folders being written

	now func() time.Time
	// afterFile, set by tests, runs after each file is written and synced,
	// to simulate failures and crashes.
	afterFile func(path string) error
}

// Config is what a Dir takes besides its folder.
type Config struct {
	// Now is the clock for the manifests' CreatedAt (default time.Now).
	Now func() time.Time
}

type idLock struct {
	sync.Mutex
	users int
}

// New returns a Dir writing into dir, which is created (0700) if missing.
// Close it when done.
func New(dir string, cfg Config) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("paper mail: directory is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("paper mail: %w", err)
	}
	// os.Root keeps every path below dir, whatever a name holds: a second
	// guard, behind the file name checks, against writing elsewhere.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("paper mail: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Dir{root: root, locks: map[string]*idLock{}, inFlight: map[string]bool{}, now: cfg.Now}, nil
}

// Close releases the directory.
func (p *Dir) Close() error { return p.root.Close() }

// SendPaper writes m into its folder, atomically, or confirms that the same
// letter is already there. Messages that cannot become a folder (an ID that
// is no safe folder name, an attachment name that is no plain file name, no
// recipient or body) are refused with a *message.ValidationError.
func (p *Dir) SendPaper(ctx context.Context, m *message.Message, why message.PaperReason) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkMessage(m, why); err != nil {
		return fmt.Errorf("paper mail: %w", err)
	}
	man, files := newManifest(m, why, p.now())
	unlock := p.lock(m.ID)
	defer unlock()
	if done, err := p.present(man); done || err != nil {
		return err
	}
	tmp, err := p.writeTemp(ctx, man, files)
	if err != nil {
		return err
	}
	defer p.forget(tmp)
	if err := p.root.Rename(tmp, m.ID); err != nil {
		_ = p.root.RemoveAll(tmp)
		// Another process may have written the same ID in the meantime.
		if done, err2 := p.present(man); done || err2 != nil {
			return err2
		}
		return fmt.Errorf("paper mail: message %s: %w", m.ID, err)
	}
	if err := syncDir(p.root, "."); err != nil {
		return fmt.Errorf("paper mail: message %s: sync directory: %w", m.ID, err)
	}
	return nil
}

// present reports whether man's message ID is already written: with the
// same content (done, nil error) or not (done, ErrConflict).
func (p *Dir) present(man *Manifest) (bool, error) {
	have, err := readManifest(p.root.FS(), man.MessageID)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := p.root.Stat(man.MessageID); errors.Is(serr, fs.ErrNotExist) {
			return false, nil
		}
		return true, fmt.Errorf("paper mail: message %s: folder exists without a manifest; it was not written by Dir", man.MessageID)
	}
	if err != nil {
		return true, err
	}
	if have.ContentSHA256 != man.ContentSHA256 {
		return true, fmt.Errorf("%w: message %s", ErrConflict, man.MessageID)
	}
	return true, nil
}

// writeTemp writes the message's files into a new temporary folder and
// returns its name. On failure it removes what it wrote.
func (p *Dir) writeTemp(ctx context.Context, man *Manifest, files []content) (string, error) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // crypto/rand.Read never fails on supported platforms
	tmp := tmpPrefix + man.MessageID + "-" + hex.EncodeToString(rnd[:])
	p.mu.Lock()
	p.inFlight[tmp] = true
	p.mu.Unlock()
	if err := p.fillTemp(ctx, tmp, man, files); err != nil {
		_ = p.root.RemoveAll(tmp)
		p.forget(tmp)
		return "", fmt.Errorf("paper mail: message %s: %w", man.MessageID, err)
	}
	return tmp, nil
}

func (p *Dir) fillTemp(ctx context.Context, tmp string, man *Manifest, files []content) error {
	if err := p.root.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	if len(man.Attachments) > 0 {
		if err := p.root.Mkdir(filepath.Join(tmp, attachmentDir), 0o700); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := p.writeFile(tmp, f.file.Path, f.data); err != nil {
			return err
		}
	}
	b, err := man.marshal()
	if err != nil {
		return err
	}
	// The manifest goes last, so a temporary folder with a manifest is
	// complete but for the rename.
	if err := p.writeFile(tmp, ManifestName, b); err != nil {
		return err
	}
	if len(man.Attachments) > 0 {
		if err := syncDir(p.root, filepath.Join(tmp, attachmentDir)); err != nil {
			return err
		}
	}
	if err := syncDir(p.root, tmp); err != nil {
		return err
	}
	return ctx.Err()
}

// writeFile creates dir/name (name slash-separated), which must not exist,
// writes data and syncs it.
func (p *Dir) writeFile(dir, name string, data []byte) error {
	rel := filepath.Join(dir, filepath.FromSlash(name))
	f, err := p.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && p.afterFile != nil {
		err = p.afterFile(name)
	}
	return err
}

// syncDir makes a folder's entries durable. Windows cannot sync a folder
// and needs not: its renames are durable once they return.
func syncDir(root *os.Root, name string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := root.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (p *Dir) lock(id string) (unlock func()) {
	p.mu.Lock()
	l := p.locks[id]
	if l == nil {
		l = &idLock{}
		p.locks[id] = l
	}
	l.users++
	p.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		p.mu.Lock()
		if l.users--; l.users == 0 {
			delete(p.locks, id)
		}
		p.mu.Unlock()
	}
}

func (p *Dir) forget(tmp string) {
	p.mu.Lock()
	delete(p.inFlight, tmp)
	p.mu.Unlock()
}

// List returns the manifests of the messages written, sorted by message
// ID; see Read.
func (p *Dir) List() ([]Manifest, error) {
	return Read(p.root.FS())
}

// Manifest returns the manifest of message id; the error wraps
// fs.ErrNotExist when there is none.
func (p *Dir) Manifest(id string) (*Manifest, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("paper mail: message ID %s: %w", quote(id), err)
	}
	return readManifest(p.root.FS(), id)
}

// Clean removes the temporary folders that interrupted writes left, and
// returns how many it removed. It spares folders this Dir is
// writing, and those modified less than olderThan ago, which another
// process sharing the directory may still be writing: with one process per
// directory, Clean(0) at start-up removes every leftover.
func (p *Dir) Clean(olderThan time.Duration) (int, error) {
	entries, err := fs.ReadDir(p.root.FS(), ".")
	if err != nil {
		return 0, fmt.Errorf("paper mail: clean: %w", err)
	}
	// File times come from the system clock, so the cutoff does too.
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tmpPrefix) {
			continue
		}
		p.mu.Lock()
		busy := p.inFlight[name]
		p.mu.Unlock()
		info, err := e.Info()
		if busy || err != nil || info.ModTime().After(cutoff) {
			continue
		}
		if err := p.root.RemoveAll(name); err != nil {
			return removed, fmt.Errorf("paper mail: clean: %w", err)
		}
		removed++
	}
	return removed, nil
}
