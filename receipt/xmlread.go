package receipt

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what an answer may hold, so that a hostile or broken operator
// cannot make the parser hold much: a sender's delivery has one recipient,
// and every leaf is an ID, a flag or a short name.
const (
	maxStatuses = 1000
	maxLeafText = 1024
)

// xreader reads an element's children in the order an XSD sequence
// prescribes. It skips comments, processing instructions and whitespace
// between elements, and refuses directives (DTDs) and stray text.
type xreader struct {
	d      *xml.Decoder
	peeked xml.Token
	path   []string
	err    error // sticky, so that a failed peek fails the next read too
}

func (r *xreader) fail(format string, a ...any) error {
	return &ParseError{Path: "/" + strings.Join(r.path, "/"), Reason: fmt.Sprintf(format, a...)}
}

// failIn is fail for a child element already read and closed.
func (r *xreader) failIn(local, format string, a ...any) error {
	return &ParseError{Path: "/" + strings.Join(append(r.path[:len(r.path):len(r.path)], local), "/"), Reason: fmt.Sprintf(format, a...)}
}

func (r *xreader) next() (xml.Token, error) {
	if t := r.peeked; t != nil {
		r.peeked = nil
		return t, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	t, err := r.scan()
	r.err = err
	return t, err
}

func (r *xreader) scan() (xml.Token, error) {
	for {
		t, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			return nil, r.fail("document ends early")
		}
		if err != nil {
			return nil, r.fail("%v", err)
		}
		switch t := t.(type) {
		case xml.StartElement, xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, r.fail("unexpected text")
			}
		case xml.Directive:
			return nil, r.fail("directives such as DTDs are not allowed")
		}
	}
}

// eof checks that only whitespace, comments and processing instructions
// follow the root element.
func (r *xreader) eof() error {
	for {
		t, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.fail("%v", err)
		}
		switch t := t.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return r.fail("text after the root element")
			}
		default:
			return r.fail("content after the root element")
		}
	}
}

// is reports whether the next token starts element {ns}local.
func (r *xreader) is(ns, local string) bool {
	if r.peeked == nil {
		t, err := r.next()
		if err != nil {
			return false
		}
		r.peeked = t
	}
	se, ok := r.peeked.(xml.StartElement)
	return ok && se.Name.Space == ns && se.Name.Local == local
}

// open consumes the start of element {ns}local.
func (r *xreader) open(ns, local string) error {
	t, err := r.next()
	if err != nil {
		return err
	}
	se, ok := t.(xml.StartElement)
	if !ok {
		return r.fail("want element %s", local)
	}
	if se.Name.Space != ns || se.Name.Local != local {
		return r.fail("want element %s in namespace %s, got %s in namespace %q", local, ns, se.Name.Local, se.Name.Space)
	}
	r.path = append(r.path, local)
	return nil
}

// close consumes the end of the innermost open element.
func (r *xreader) close() error {
	t, err := r.next()
	if err != nil {
		return err
	}
	if se, ok := t.(xml.StartElement); ok {
		return r.fail("unexpected element %s", se.Name.Local)
	}
	r.path = r.path[:len(r.path)-1]
	return nil
}

// leaf reads element {ns}local, which holds only text.
func (r *xreader) leaf(ns, local string) (string, error) {
	if err := r.open(ns, local); err != nil {
		return "", err
	}
	var buf []byte
	for {
		t, err := r.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", r.fail("document ends early")
			}
			return "", r.fail("%v", err)
		}
		switch t := t.(type) {
		case xml.CharData:
			if len(buf)+len(t) > maxLeafText {
				return "", r.fail("longer than %d bytes", maxLeafText)
			}
			buf = append(buf, t...)
		case xml.EndElement:
			r.path = r.path[:len(r.path)-1]
			return string(buf), nil
		case xml.StartElement:
			return "", r.fail("element %s where only text belongs", t.Name.Local)
		case xml.Directive:
			return "", r.fail("directives such as DTDs are not allowed")
		}
	}
}

// boolean reads an xs:boolean leaf.
func (r *xreader) boolean(ns, local string) (bool, error) {
	s, err := r.leaf(ns, local)
	if err != nil {
		return false, err
	}
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, r.failIn(local, "want true or false, got %q", short(s))
}

// recipientID reads a RecipientId leaf: twelve digits.
func (r *xreader) recipientID(ns string) (string, error) {
	s, err := r.leaf(ns, "RecipientId")
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		// The value may be a personal number with a typo: never print it.
		return "", r.failIn("RecipientId", "want 12 digits")
	}
	return s, nil
}

func short(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}
