package paperdir

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// Format names the manifest format Dir writes. A later
// format gets a new name.
const Format = "mm-paper/1"

// ManifestName is the name of the manifest file in a message folder.
const ManifestName = "manifest.json"

// Manifest describes one paper message, as manifest.json in its
// folder. It holds personal data: the recipient's full number, which the
// print provider needs to address the letter, and the subject.
type Manifest struct {
	// Format is Format.
	Format string `json:"format"`
	// MessageID is the message's ID, and the folder's name.
	MessageID string `json:"messageId"`
	// Recipient is the full 12-digit number.
	Recipient message.RecipientID `json:"recipient"`
	// Attention is the sub-address at the recipient, such as a department.
	Attention string `json:"attention,omitempty"`
	// Reference is the sender's own cost reference.
	Reference string              `json:"reference,omitempty"`
	Subject   string              `json:"subject"`
	Class     securityclass.Class `json:"class"`
	// Support tells the recipient where to turn with questions, as in the
	// digital message.
	Support Support `json:"support"`
	// Reason is why the message went by paper; ReasonText says it for
	// people.
	Reason     message.PaperReason `json:"reason"`
	ReasonText string              `json:"reasonText"`
	// CreatedAt is when the folder was written.
	CreatedAt time.Time `json:"createdAt"`
	// Body is the message text's file: body.txt or body.html.
	Body File `json:"body"`
	// Attachments are the files under attachments/, in message order.
	Attachments []File `json:"attachments"`
	// ContentSHA256 identifies the letter's content: the hex SHA-256 of this
	// manifest's JSON with CreatedAt, Reason, ReasonText and ContentSHA256
	// left zero. Two sends of one message ID are the same letter exactly
	// when it is equal; when and why it was sent do not change the letter.
	ContentSHA256 string `json:"contentSha256"`
}

// Support is the support information printed with the letter.
type Support struct {
	Text  string `json:"text"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// File describes one file of a paper message.
type File struct {
	// Path is the file's path in the message folder, with forward slashes:
	// body.txt, body.html or attachments/<filename>.
	Path string `json:"path"`
	// Filename is an attachment's own name; empty for the body.
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	// SHA256 and MD5 are lower-case hex digests of the file's bytes.
	SHA256 string `json:"sha256"`
	MD5    string `json:"md5"`
}

// content is one file to write: its manifest entry and bytes.
type content struct {
	file File
	data []byte
}

// newManifest builds the manifest of m and the files it lists. m must
// have passed checkMessage.
func newManifest(m *message.Message, why message.PaperReason, now time.Time) (*Manifest, []content) {
	body := []byte(m.Body.Text)
	name := "body.txt"
	if m.Body.ContentType == message.ContentTypeHTML {
		name = "body.html"
	}
	files := []content{{file: describe(name, "", m.Body.ContentType, body), data: body}}
	man := &Manifest{
		Format:    Format,
		MessageID: m.ID,
		Recipient: m.Recipient,
		Attention: m.Attention,
		Reference: m.Reference,
		Subject:   m.Subject,
		Class:     m.Class.OrDefault(),
		Support: Support{
			Text: m.Support.Text, URL: m.Support.URL, Phone: m.Support.Phone, Email: m.Support.Email,
		},
		Reason:      why,
		ReasonText:  why.String(),
		CreatedAt:   now.UTC(),
		Body:        files[0].file,
		Attachments: []File{},
	}
	for _, a := range m.Attachments {
		f := describe(path.Join(attachmentDir, a.Filename), a.Filename, a.ContentType, a.Data)
		man.Attachments = append(man.Attachments, f)
		files = append(files, content{file: f, data: a.Data})
	}
	man.ContentSHA256 = man.contentHash()
	return man, files
}

const attachmentDir = "attachments"

func describe(p, filename, contentType string, data []byte) File {
	s := sha256.Sum256(data)
	m := md5.Sum(data)
	return File{
		Path: p, Filename: filename, ContentType: contentType, Size: int64(len(data)),
		SHA256: hex.EncodeToString(s[:]), MD5: hex.EncodeToString(m[:]),
	}
}

// contentHash computes ContentSHA256 from the manifest's other fields.
func (m *Manifest) contentHash() string {
	c := *m
	c.CreatedAt, c.Reason, c.ReasonText, c.ContentSHA256 = time.Time{}, "", "", ""
	b, err := json.Marshal(&c)
	if err != nil {
		// Only an invalid Class fails to encode, and manifests are built
		// with a valid one; an empty hash then never matches another.
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// marshal returns the manifest file's bytes: indented JSON for people.
func (m *Manifest) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// parseManifest reads a manifest file and checks that it is one this
// package wrote: known format, a hash that matches its content.
func parseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m.Format != Format {
		return nil, fmt.Errorf("format %q, want %q", m.Format, Format)
	}
	if m.contentHash() != m.ContentSHA256 {
		return nil, fmt.Errorf("contentSha256 does not match the manifest's content")
	}
	return &m, nil
}

// Read returns the manifests of the complete messages in
// fsys, the root of a folder Dir writes, sorted by message ID.
// Entries whose names start with a dot — among them the .tmp- folders of
// writes in progress or interrupted — and plain files are skipped. A
// message folder whose manifest is missing or unreadable is an error: with
// atomic writes it can only come from outside meddling.
func Read(fsys fs.FS) ([]Manifest, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("paper mail: read directory: %w", err)
	}
	var out []Manifest
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !e.IsDir() {
			continue
		}
		m, err := readManifest(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Manifest) int { return strings.Compare(a.MessageID, b.MessageID) })
	return out, nil
}

func readManifest(fsys fs.FS, id string) (*Manifest, error) {
	b, err := fs.ReadFile(fsys, path.Join(id, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("paper mail: message %s: %w", id, err)
	}
	m, err := parseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("paper mail: message %s: manifest: %w", id, err)
	}
	if m.MessageID != id {
		return nil, fmt.Errorf("paper mail: message %s: manifest names message %q", id, m.MessageID)
	}
	return m, nil
}
