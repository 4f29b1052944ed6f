package mailing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// line is one JSONL line read into the model, before any file is read.
type line struct {
	n   int
	raw []byte
	msg message.Message
	// bodyFile and attachmentPaths name the files still to read.
	bodyFile        string
	attachmentPaths []string
	// explicitID is true when the line gave its id.
	explicitID bool
	// broken is true when the line is not a JSON object at all, so that
	// nothing more can be said of it.
	broken bool
}

// member is one name and value of a JSON object, in the order written.
type member struct {
	key string
	val json.RawMessage
}

// members reads a JSON object and returns its members in order; a key
// given twice is an error, since which one counts would be a guess.
func members(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("must be a JSON object")
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		if seen[key] {
			return nil, fmt.Errorf("field %q appears twice", key)
		}
		seen[key] = true
		out = append(out, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("malformed JSON: more after the object")
	}
	return out, nil
}

// fields maps the exact JSON names of an object to the functions that read
// their values.
type fields map[string]func(raw json.RawMessage) error

// decodeObject reads raw with fs, reporting each problem under prefix.
// Names match exactly: "Subject" is not "subject", and an unknown name is
// an error.
func decodeObject(raw json.RawMessage, prefix string, fs fields, fail func(field string, err error)) {
	ms, err := members(raw)
	if err != nil {
		fail(strings.TrimSuffix(prefix, "."), err)
		return
	}
	for _, m := range ms {
		f, ok := fs[m.key]
		if !ok {
			fail(prefix+m.key, errors.New("unknown field"))
			continue
		}
		if err := f(m.val); err != nil {
			fail(prefix+m.key, err)
		}
	}
}

// str reads a JSON string into dst.
func str(dst *string) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		if err := json.Unmarshal(raw, dst); err != nil || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) {
			return errors.New("must be a string")
		}
		return nil
	}
}

// parseLine reads one line. now decides the century of a 2-digit year.
func parseLine(n int, raw []byte, now time.Time) (*line, []*LineError) {
	l := &line{n: n, raw: raw}
	var errs []*LineError
	fail := func(field string, err error) { errs = append(errs, &LineError{Line: n, Field: field, Err: err}) }
	m := &l.msg
	var to, text, html, contentType string
	var hasText, hasHTML bool
	decodeObject(raw, "", fields{
		"id":      str(&m.ID),
		"to":      str(&to),
		"subject": str(&m.Subject),
		"text": func(r json.RawMessage) error {
			hasText = true
			return str(&text)(r)
		},
		"html": func(r json.RawMessage) error {
			hasHTML = true
			return str(&html)(r)
		},
		"body_file":    str(&l.bodyFile),
		"content_type": str(&contentType),
		"attachments": func(r json.RawMessage) error {
			var items []json.RawMessage
			if err := json.Unmarshal(r, &items); err != nil {
				return errors.New("must be a list of {path, filename, content_type}")
			}
			for i, item := range items {
				parseAttachment(l, item, fmt.Sprintf("attachments[%d].", i), fail)
			}
			return nil
		},
		"class": func(r json.RawMessage) error {
			c, err := securityclass.Parse(strings.Trim(string(r), `"`))
			m.Class = c
			return err
		},
		"support": func(r json.RawMessage) error {
			s := &m.Support
			decodeObject(r, "support.", fields{"text": str(&s.Text), "url": str(&s.URL), "phone": str(&s.Phone), "email": str(&s.Email)}, fail)
			return nil
		},
		"reference":      str(&m.Reference),
		"correlation_id": str(&m.CorrelationID),
		"attention":      str(&m.Attention),
		"language":       str(&m.Language),
		"metadata": func(r json.RawMessage) error {
			m.Metadata = parseMetadata(r, fail)
			return nil
		},
		"sms": func(r json.RawMessage) error {
			m.SMS = &message.SMSNotice{}
			decodeObject(r, "sms.", fields{"from": str(&m.SMS.From), "text": str(&m.SMS.Text)}, fail)
			return nil
		},
		"email": func(r json.RawMessage) error {
			e := &message.EmailNotice{}
			m.Email = e
			decodeObject(r, "email.", fields{"from": str(&e.From), "subject": str(&e.Subject), "text": str(&e.Text)}, fail)
			return nil
		},
		"official_matter": func(r json.RawMessage) error {
			m.OfficialMatter = parseOfficialMatter(r, fail)
			return nil
		},
	}, fail)
	if len(errs) == 1 && errs[0].Field == "" {
		l.broken = true
		return l, errs
	}

	l.explicitID = m.ID != ""
	if l.explicitID && !isUUID(m.ID) {
		fail("id", errors.New("must be a UUID such as 3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b"))
	}
	if to == "" {
		fail("to", errors.New("required"))
	} else if r, err := message.ParseRecipientIDAt(to, now); err != nil {
		fail("to", err)
	} else {
		m.Recipient = r
	}
	setBody(l, hasText, text, hasHTML, html, contentType, fail)
	return l, errs
}

// setBody takes exactly one of text, html and body_file.
func setBody(l *line, hasText bool, text string, hasHTML bool, html, contentType string, fail func(string, error)) {
	given := 0
	for _, b := range []bool{hasText, hasHTML, l.bodyFile != ""} {
		if b {
			given++
		}
	}
	if given != 1 {
		fail("body", fmt.Errorf("give exactly one of text, html and body_file (got %d)", given))
	}
	switch {
	case hasText:
		l.msg.Body = message.Body{ContentType: message.ContentTypePlain, Text: text}
	case hasHTML:
		l.msg.Body = message.Body{ContentType: message.ContentTypeHTML, Text: html}
	case l.bodyFile != "":
		ct := contentType
		if ct == "" {
			switch strings.ToLower(path.Ext(l.bodyFile)) {
			case ".txt":
				ct = message.ContentTypePlain
			case ".html", ".htm":
				ct = message.ContentTypeHTML
			default:
				fail("content_type", errors.New("required when body_file does not end in .txt, .html or .htm"))
			}
		}
		l.msg.Body.ContentType = ct
	}
	if contentType != "" && l.bodyFile == "" {
		fail("content_type", errors.New("only goes with body_file; text is text/plain and html is text/html"))
	}
}

// attachmentTypes are the content types inferred from file extensions.
var attachmentTypes = map[string]string{
	".pdf":  message.ContentTypePDF,
	".doc":  message.ContentTypeMSWord,
	".docx": message.ContentTypeDOCX,
	".dotx": message.ContentTypeDOTX,
	".ics":  message.ContentTypeCalendar,
}

func parseAttachment(l *line, raw json.RawMessage, prefix string, fail func(string, error)) {
	var p string
	var a message.Attachment
	decodeObject(raw, prefix, fields{"path": str(&p), "filename": str(&a.Filename), "content_type": str(&a.ContentType)}, fail)
	if p == "" {
		fail(prefix+"path", errors.New("required"))
	}
	if a.Filename == "" {
		a.Filename = path.Base(p)
	}
	if a.ContentType == "" && p != "" {
		ext := strings.ToLower(path.Ext(a.Filename))
		if a.ContentType = attachmentTypes[ext]; a.ContentType == "" {
			fail(prefix+"content_type", fmt.Errorf("required: extension %q is not .pdf, .doc, .docx, .dotx or .ics", ext))
		}
	}
	l.msg.Attachments = append(l.msg.Attachments, a)
	l.attachmentPaths = append(l.attachmentPaths, p)
}

// parseMetadata reads {"tag": "value", …} in the order written, or
// [{"tag": …, "value": …}, …] where a tag repeats.
func parseMetadata(raw json.RawMessage, fail func(string, error)) []message.Metadata {
	var out []message.Metadata
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			fail("metadata", errors.New("must be an object of tag: value, or a list of {tag, value}"))
			return nil
		}
		for i, item := range items {
			var md message.Metadata
			decodeObject(item, fmt.Sprintf("metadata[%d].", i), fields{"tag": str(&md.Tag), "value": str(&md.Value)}, fail)
			out = append(out, md)
		}
		return out
	}
	ms, err := members(raw)
	if err != nil {
		fail("metadata", fmt.Errorf("must be an object of tag: value, or a list of {tag, value}: %w", err))
		return nil
	}
	for _, m := range ms {
		md := message.Metadata{Tag: m.key}
		if err := str(&md.Value)(m.val); err != nil {
			fail("metadata."+m.key, err)
		}
		out = append(out, md)
	}
	return out
}

func parseOfficialMatter(raw json.RawMessage, fail func(string, error)) *message.OfficialMatter {
	om := &message.OfficialMatter{}
	var ts, status string
	decodeObject(raw, "official_matter.", fields{
		"timestamp":          str(&ts),
		"event_id":           str(&om.EventID),
		"official_matter_id": str(&om.OfficialMatterID),
		"preceding_event_id": str(&om.PrecedingEventID),
		"matter_subject":     str(&om.MatterSubject),
		"event_type":         str(&om.EventType),
		"matter_status":      str(&status),
	}, fail)
	om.MatterStatus = message.MatterStatus(status)
	if ts != "" {
		t, err := time.Parse(time.DateOnly, ts)
		if err != nil {
			t, err = time.Parse(time.RFC3339, ts)
		}
		if err != nil {
			fail("official_matter.timestamp", errors.New("must be a date 2006-01-02 or an RFC 3339 time"))
		}
		om.Timestamp = t
	}
	return om
}
