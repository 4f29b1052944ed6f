package mailing

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// IDNamespace is the UUID namespace of derived message IDs: an ID is the
// version-5 UUID (RFC 9562: SHA-1 of namespace and name) of this namespace
// and the name "<mailing name>\x00<canonical line>". Changing it would
// change every derived ID, so it never changes.
const IDNamespace = "8c0f2f3e-5b7d-4f4e-9a61-6d2b1c0e7a35"

// DeriveID returns the message ID of a line without an id: a UUID v5 of
// the mailing's name and the line's canonical content. The canonical
// content is the line as the model reads it — the recipient in its wire
// form (so 530323-1855 and 195303231855 are the same), the class as its
// digit, metadata as a list, the paths of files rather than their bytes —
// encoded as JSON with a fixed order of fields. So a resumed mailing finds
// the same IDs however the line's spacing or key order changes, while any
// change of content, recipient or mailing name makes a new message. Two
// identical lines in one mailing would have the same ID: Validate reports
// them.
func DeriveID(mailing string, canonical []byte) string {
	ns, _ := uuidBytes(IDNamespace)
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(mailing))
	h.Write([]byte{0})
	h.Write(canonical)
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return formatUUID(u)
}

// canonicalLine is the fixed shape of a line that DeriveID hashes. It has
// its own JSON names, so that renaming a Go field elsewhere cannot change an
// ID, and omits empty fields, so that a field added later leaves the IDs of
// lines without it unchanged.
type canonicalLine struct {
	To             string      `json:"to"`
	Subject        string      `json:"subject,omitempty"`
	ContentType    string      `json:"content_type,omitempty"`
	Body           string      `json:"body,omitempty"`
	BodyFile       string      `json:"body_file,omitempty"`
	Attachments    [][3]string `json:"attachments,omitempty"` // path, filename, content type
	Class          int         `json:"class"`
	Support        [4]string   `json:"support"` // text, url, phone, email
	Reference      string      `json:"reference,omitempty"`
	CorrelationID  string      `json:"correlation_id,omitempty"`
	Attention      string      `json:"attention,omitempty"`
	Language       string      `json:"language,omitempty"`
	Metadata       [][2]string `json:"metadata,omitempty"`        // tag, value
	SMS            *[2]string  `json:"sms,omitempty"`             // from, text
	Email          *[3]string  `json:"email,omitempty"`           // from, subject, text
	OfficialMatter *[7]string  `json:"official_matter,omitempty"` // timestamp, event, matter, preceding, subject, type, status
}

// canonical returns the line's canonical content, as DeriveID takes it.
func (l *line) canonical() []byte {
	m := &l.msg
	s := m.Support
	c := canonicalLine{
		To: string(m.Recipient), Subject: m.Subject, ContentType: m.Body.ContentType, Body: m.Body.Text,
		BodyFile: l.bodyFile, Class: int(m.Class.OrDefault()), Support: [4]string{s.Text, s.URL, s.Phone, s.Email},
		Reference: m.Reference, CorrelationID: m.CorrelationID, Attention: m.Attention, Language: m.Language,
	}
	for i, a := range m.Attachments {
		c.Attachments = append(c.Attachments, [3]string{l.attachmentPaths[i], a.Filename, a.ContentType})
	}
	for _, md := range m.Metadata {
		c.Metadata = append(c.Metadata, [2]string{md.Tag, md.Value})
	}
	if n := m.SMS; n != nil {
		c.SMS = &[2]string{n.From, n.Text}
	}
	if n := m.Email; n != nil {
		c.Email = &[3]string{n.From, n.Subject, n.Text}
	}
	if om := m.OfficialMatter; om != nil {
		c.OfficialMatter = &[7]string{om.Timestamp.Format(time.RFC3339), om.EventID, om.OfficialMatterID,
			om.PrecedingEventID, om.MatterSubject, om.EventType, string(om.MatterStatus)}
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic("mailing: canonical line: " + err.Error()) // only strings and ints: cannot fail
	}
	return b
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 text form.
func isUUID(s string) bool {
	_, ok := uuidBytes(s)
	return ok
}

func uuidBytes(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}

func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
