package paperdir

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test identities: 195303231855 is a test personal number, 162021004748 a
// test organisation number; neither belongs to anyone. Names carry a paper
// prefix because other files of this package have test helpers of their own.
const (
	paperTestPerson message.RecipientID = "195303231855"
	paperTestOrg    message.RecipientID = "162021004748"
	paperTestID                         = "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b"
)

var paperTestTime = time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)

func paperMessage(id string) *message.Message {
	return &message.Message{
		ID:        id,
		Recipient: paperTestPerson,
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat.\n"},
		Support:   message.SupportInfo{Text: "Frågor? Ring oss.", URL: "https://kommun.example/kontakt", Phone: "+46 8 123 45 67", Email: "kontakt@kommun.example"},
		Class:     securityclass.Class3,
		Reference: "KST-4711",
		Attention: "Bygglovsenheten",
		Attachments: []message.Attachment{
			{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 test")},
			{Filename: "möte 12.ics", ContentType: message.ContentTypeCalendar, Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")},
		},
	}
}

func newTestDir(t *testing.T) (*Dir, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "paper")
	p, err := New(dir, Config{Now: func() time.Time { return paperTestTime }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p, dir
}

// tree lists every path below dir with its permission bits.
func tree(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = info.Mode() & (fs.ModeDir | fs.ModePerm)
		return nil
	}))
	return out
}

func hexSum(sum []byte) string { return hex.EncodeToString(sum) }

func TestPaperDirectoryLayoutAndManifest(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	m := paperMessage(paperTestID)
	require.NoError(t, p.SendPaper(context.Background(), m, message.PaperNoMailbox))

	id := paperTestID
	assert.Equal(t, map[string]fs.FileMode{
		id:                              fs.ModeDir | 0o700,
		id + "/manifest.json":           0o600,
		id + "/body.txt":                0o600,
		id + "/attachments":             fs.ModeDir | 0o700,
		id + "/attachments/beslut.pdf":  0o600,
		id + "/attachments/möte 12.ics": 0o600,
	}, tree(t, dir))

	body, err := os.ReadFile(filepath.Join(dir, id, "body.txt"))
	require.NoError(t, err)
	assert.Equal(t, m.Body.Text, string(body))
	for _, a := range m.Attachments {
		b, err := os.ReadFile(filepath.Join(dir, id, "attachments", a.Filename))
		require.NoError(t, err)
		assert.Equal(t, a.Data, b)
	}

	got, err := p.Manifest(id)
	require.NoError(t, err)
	sha := func(b []byte) string { s := sha256.Sum256(b); return hexSum(s[:]) }
	md := func(b []byte) string { s := md5.Sum(b); return hexSum(s[:]) }
	assert.Equal(t, "mm-paper/1", got.Format)
	assert.Equal(t, id, got.MessageID)
	assert.Equal(t, paperTestPerson, got.Recipient, "the print provider needs the full number")
	assert.Equal(t, "Bygglovsenheten", got.Attention)
	assert.Equal(t, "KST-4711", got.Reference)
	assert.Equal(t, "Beslut om bygglov", got.Subject)
	assert.Equal(t, securityclass.Class3, got.Class)
	assert.Equal(t, Support{Text: "Frågor? Ring oss.", URL: "https://kommun.example/kontakt", Phone: "+46 8 123 45 67", Email: "kontakt@kommun.example"}, got.Support)
	assert.Equal(t, message.PaperNoMailbox, got.Reason)
	assert.Equal(t, "the recipient has no digital mailbox", got.ReasonText)
	assert.Equal(t, paperTestTime, got.CreatedAt)
	assert.Equal(t, File{Path: "body.txt", ContentType: "text/plain", Size: int64(len(body)), SHA256: sha(body), MD5: md(body)}, got.Body)
	require.Len(t, got.Attachments, 2)
	for i, a := range m.Attachments {
		assert.Equal(t, File{
			Path: "attachments/" + a.Filename, Filename: a.Filename, ContentType: a.ContentType,
			Size: int64(len(a.Data)), SHA256: sha(a.Data), MD5: md(a.Data),
		}, got.Attachments[i])
	}
	assert.Equal(t, "97b5ba987ae5c44042c4896d0c428ce3", got.Attachments[0].MD5)
	assert.Len(t, got.ContentSHA256, 64)
	assert.Equal(t, got.contentHash(), got.ContentSHA256)

	// The file itself: stable key names, full number, class as its digit.
	raw, err := os.ReadFile(filepath.Join(dir, id, "manifest.json"))
	require.NoError(t, err)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &keys))
	assert.JSONEq(t, `"195303231855"`, string(keys["recipient"]))
	assert.JSONEq(t, `"3"`, string(keys["class"]))
	assert.JSONEq(t, `"2026-11-26T10:30:00Z"`, string(keys["createdAt"]))
	assert.ElementsMatch(t, []string{"format", "messageId", "recipient", "attention", "reference", "subject", "class", "support",
		"reason", "reasonText", "createdAt", "body", "attachments", "contentSha256"}, mapKeys(keys))
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPaperDirectoryHTMLBodyAndNoAttachments(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	m := paperMessage("m-1")
	m.Recipient = paperTestOrg
	m.Body = message.Body{ContentType: message.ContentTypeHTML, Text: "<p>Hej</p>"}
	m.Attachments = nil
	m.Class = 0
	require.NoError(t, p.SendPaper(context.Background(), m, message.PaperClassPolicy))
	assert.Equal(t, map[string]fs.FileMode{"m-1": fs.ModeDir | 0o700, "m-1/manifest.json": 0o600, "m-1/body.html": 0o600}, tree(t, dir))
	got, err := p.Manifest("m-1")
	require.NoError(t, err)
	assert.Equal(t, "body.html", got.Body.Path)
	assert.Equal(t, "text/html", got.Body.ContentType)
	assert.Equal(t, []File{}, got.Attachments)
	assert.Equal(t, securityclass.Class3, got.Class, "the zero class means class 3")
	assert.Equal(t, paperTestOrg, got.Recipient)
}

func TestPaperDirectoryIdempotent(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	ctx := context.Background()
	require.NoError(t, p.SendPaper(ctx, paperMessage(paperTestID), message.PaperNoMailbox))
	mf := filepath.Join(dir, paperTestID, "manifest.json")
	before, err := os.ReadFile(mf)
	require.NoError(t, err)
	st, err := os.Stat(mf)
	require.NoError(t, err)

	// Same letter, later and for another reason: accepted, nothing rewritten.
	p.now = func() time.Time { return paperTestTime.Add(time.Hour) }
	require.NoError(t, p.SendPaper(ctx, paperMessage(paperTestID), message.PaperOperatorDeclined))
	after, err := os.ReadFile(mf)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
	st2, err := os.Stat(mf)
	require.NoError(t, err)
	assert.Equal(t, st.ModTime(), st2.ModTime())
	assert.Len(t, tree(t, dir), 6, "one folder, nothing beside it")

	changes := map[string]func(*message.Message){
		"subject":         func(m *message.Message) { m.Subject = "Nytt beslut" },
		"body":            func(m *message.Message) { m.Body.Text += "!" },
		"attachment data": func(m *message.Message) { m.Attachments[0].Data = []byte("%PDF-1.7 other") },
		"recipient":       func(m *message.Message) { m.Recipient = paperTestOrg },
		"class":           func(m *message.Message) { m.Class = securityclass.Class2 },
		"no attachments":  func(m *message.Message) { m.Attachments = nil },
	}
	for name, change := range changes {
		m := paperMessage(paperTestID)
		change(m)
		err := p.SendPaper(ctx, m, message.PaperNoMailbox)
		assert.ErrorIs(t, err, ErrConflict, name)
		assert.ErrorContains(t, err, paperTestID, name)
	}
	after, err = os.ReadFile(mf)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "never overwritten")
	list, err := p.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "Beslut om bygglov", list[0].Subject)
}

func TestPaperDirectoryConcurrent(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	const messages, workers = 200, 16
	jobs := make(chan *message.Message)
	errs := make(chan error, 2*messages)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for m := range jobs {
				errs <- p.SendPaper(context.Background(), m, message.PaperNoMailbox)
			}
		})
	}
	// Every message twice, so that the same ID is also written concurrently.
	for range 2 {
		for i := range messages {
			m := paperMessage(fmt.Sprintf("msg-%03d", i))
			m.Subject = fmt.Sprintf("Beslut %d", i)
			jobs <- m
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	list, err := p.List()
	require.NoError(t, err)
	require.Len(t, list, messages)
	for i, m := range list {
		assert.Equal(t, fmt.Sprintf("msg-%03d", i), m.MessageID)
		assert.Equal(t, fmt.Sprintf("Beslut %d", i), m.Subject)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, messages, "no temporary folder left")
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), e.Name())
	}
	p.mu.Lock()
	assert.Empty(t, p.locks)
	assert.Empty(t, p.inFlight)
	p.mu.Unlock()
}

func TestPaperDirectoryConcurrentConflict(t *testing.T) {
	t.Parallel()
	p, _ := newTestDir(t)
	const writers = 16
	results := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			m := paperMessage(paperTestID)
			m.Subject = fmt.Sprintf("Version %d", i)
			results[i] = p.SendPaper(context.Background(), m, message.PaperNoMailbox)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range results {
		if err == nil {
			assert.Equal(t, -1, winner, "only one write of an ID wins")
			winner = i
			continue
		}
		assert.ErrorIs(t, err, ErrConflict)
	}
	require.NotEqual(t, -1, winner)
	got, err := p.Manifest(paperTestID)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("Version %d", winner), got.Subject)
}

func TestPaperDirectoryRefuses(t *testing.T) {
	t.Parallel()
	attach := func(name string) func(*message.Message) {
		return func(m *message.Message) { m.Attachments[1].Filename = name }
	}
	tests := []struct {
		name   string
		change func(*message.Message)
		why    message.PaperReason
		field  string
		rule   string
	}{
		{"no ID", func(m *message.Message) { m.ID = "" }, "", "ID", "call SetDefaults"},
		{"ID climbs up", func(m *message.Message) { m.ID = "../x" }, "", "ID", "start and end with a letter or digit"},
		{"ID with slash", func(m *message.Message) { m.ID = "a/b" }, "", "ID", "only ASCII letters"},
		{"hidden ID", func(m *message.Message) { m.ID = ".tmp-a" }, "", "ID", "start and end"},
		{"ID ends in dot", func(m *message.Message) { m.ID = "a." }, "", "ID", "start and end"},
		{"ID with NUL", func(m *message.Message) { m.ID = "a\x00b" }, "", "ID", "only ASCII letters"},
		{"non-ASCII ID", func(m *message.Message) { m.ID = "ärende" }, "", "ID", "start and end"},
		{"long ID", func(m *message.Message) { m.ID = strings.Repeat("a", 201) }, "", "ID", "at most 200 bytes"},
		{"unknown reason", func(*message.Message) {}, "lost", "PaperReason", "one of the PaperReason values"},
		{"invalid recipient", func(m *message.Message) { m.Recipient = "195303231856" }, "", "Recipient", "valid 12-digit identity"},
		{"no subject", func(m *message.Message) { m.Subject = " " }, "", "Subject", "required"},
		{"no body", func(m *message.Message) { m.Body.Text = "" }, "", "Body.Text", "required"},
		{"PDF body", func(m *message.Message) { m.Body.ContentType = message.ContentTypePDF }, "", "Body.ContentType", "text/plain or text/html"},
		{"attachment climbs up", attach("../../etc/cron.d/x"), "", "Attachments[1].Filename", "without directories"},
		{"attachment with backslash", attach(`..\x.pdf`), "", "Attachments[1].Filename", "without directories"},
		{"attachment dot-dot", attach(".."), "", "Attachments[1].Filename", "must not start with a dot"},
		{"hidden attachment", attach(".tmp-x"), "", "Attachments[1].Filename", "must not start with a dot"},
		{"empty attachment name", attach(""), "", "Attachments[1].Filename", "required"},
		{"alternate data stream", attach("a.pdf:evil"), "", "Attachments[1].Filename", "must not contain any of"},
		{"trailing dot", attach("a.pdf."), "", "Attachments[1].Filename", "must not end with a dot"},
		{"control character", attach("a\nb.pdf"), "", "Attachments[1].Filename", "control characters"},
		{"NUL in name", attach("a\x00.pdf"), "", "Attachments[1].Filename", "control characters"},
		{"device name", attach("nul.pdf"), "", "Attachments[1].Filename", "device name"},
		{"invalid UTF-8", attach("a\xff.pdf"), "", "Attachments[1].Filename", "valid UTF-8"},
		{"long name", attach(strings.Repeat("a", 252) + ".pdf"), "", "Attachments[1].Filename", "at most 255 bytes"},
		{"names differing in case", attach("Beslut.PDF"), "", "Attachments[1].Filename", "differs from Attachments[0].Filename only in case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, dir := newTestDir(t)
			m := paperMessage(paperTestID)
			tt.change(m)
			why := tt.why
			if why == "" {
				why = message.PaperNoMailbox
			}
			err := p.SendPaper(context.Background(), m, why)
			require.ErrorIs(t, err, message.ErrInvalid)
			var ve *message.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Rule, tt.rule)
			assert.NotContains(t, err.Error(), "195303231856")
			assert.Empty(t, tree(t, dir), "nothing written")
		})
	}
	p, _ := newTestDir(t)
	err := p.SendPaper(context.Background(), nil, message.PaperNoMailbox)
	assert.ErrorIs(t, err, message.ErrInvalid)
}

func TestPaperDirectoryInjectedFailure(t *testing.T) {
	t.Parallel()
	injected := errors.New("disk full")
	for _, at := range []string{"body.txt", "attachments/beslut.pdf", "attachments/möte 12.ics", "manifest.json"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			p, dir := newTestDir(t)
			var written []string
			p.afterFile = func(name string) error {
				written = append(written, name)
				if name == at {
					return injected
				}
				return nil
			}
			err := p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox)
			assert.ErrorIs(t, err, injected)
			assert.Equal(t, at, written[len(written)-1])
			assert.Empty(t, tree(t, dir), "no final folder, and the temporary one removed")

			p.afterFile = nil
			require.NoError(t, p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox))
			list, err := p.List()
			require.NoError(t, err)
			assert.Len(t, list, 1)
		})
	}
}

func TestPaperDirectoryContext(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, p.SendPaper(ctx, paperMessage(paperTestID), message.PaperNoMailbox), context.Canceled)

	// Cancelled half-way: nothing is committed.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	p.afterFile = func(name string) error {
		if name == "body.txt" {
			cancel()
		}
		return nil
	}
	assert.ErrorIs(t, p.SendPaper(ctx, paperMessage(paperTestID), message.PaperNoMailbox), context.Canceled)
	assert.Empty(t, tree(t, dir))
}

func TestPaperDirectoryStaysInside(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	outside := t.TempDir()
	require.NoError(t, p.root.Mkdir(".tmp-x", 0o700))
	// Past the name checks, os.Root still refuses to leave the directory.
	for _, name := range []string{"../../escape.txt", "../" + filepath.Base(dir) + "-x/escape.txt"} {
		assert.Error(t, p.writeFile(".tmp-x", name, []byte("x")), name)
	}
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, ".tmp-x", "attachments")))
	assert.Error(t, p.writeFile(".tmp-x", "attachments/escape.txt", []byte("x")), "symlink out of the directory")
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries)
	_, err = os.Stat(filepath.Join(filepath.Dir(dir), "escape.txt"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestPaperDirectoryForeignFolder(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	require.NoError(t, os.Mkdir(filepath.Join(dir, paperTestID), 0o700))
	err := p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox)
	assert.ErrorContains(t, err, "folder exists without a manifest")
	assert.NotErrorIs(t, err, ErrConflict)
	_, err = p.List()
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestPaperDirectoryClean(t *testing.T) {
	t.Parallel()
	p, dir := newTestDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".tmp-old-1", "attachments"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".tmp-old-1", "body.txt"), []byte("x"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".keep"), nil, 0o600))

	n, err := p.Clean(time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "too young: another process may be writing it")

	// A write in progress is spared even by Clean(0).
	var during int
	p.afterFile = func(name string) error {
		if name != "body.txt" {
			return nil
		}
		var cerr error
		during, cerr = p.Clean(0)
		return cerr
	}
	require.NoError(t, p.SendPaper(context.Background(), paperMessage(paperTestID), message.PaperNoMailbox))
	assert.Equal(t, 1, during, "only the leftover")
	names := []string{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	assert.Equal(t, []string{".keep", paperTestID}, names)
}

func TestNewPaperDirectoryRefuses(t *testing.T) {
	t.Parallel()
	_, err := New("", Config{})
	assert.EqualError(t, err, "paper mail: directory is empty")
	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = New(file, Config{})
	assert.ErrorContains(t, err, "paper mail: ")
	p, _ := newTestDir(t)
	_, err = p.Manifest("../x")
	assert.ErrorContains(t, err, "start and end with a letter or digit")
	_, err = p.Manifest("absent")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
