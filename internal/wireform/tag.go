package wireform

import (
	"bytes"
	"fmt"
)

// start is a canonical start tag, as read.
type start struct {
	name  []byte
	xmlns []byte // the default namespace declared, escaped; nil if none
	attrs []byte // the other attributes, each with its leading space
}

// readStart reads the start tag at the beginning of b, canonical XML:
// `<name xmlns="…" a="…" b="…">`, values in double quotes, in which '"'
// and '<' are always escaped (a '>' may stand there as it is). It returns
// the tag and what follows it.
func readStart(b []byte) (start, []byte, error) {
	var t start
	i := 1
	for i < len(b) && b[i] != ' ' && b[i] != '>' {
		i++
	}
	t.name = b[1:i]
	if !name(t.name, false) {
		return t, nil, fmt.Errorf("%w: element name %q", ErrNotCanonical, head(t.name))
	}
	attrStart := -1
	for {
		if i >= len(b) {
			return t, nil, fmt.Errorf("%w: start tag of %s not closed", ErrNotCanonical, t.name)
		}
		if b[i] == '>' {
			if attrStart >= 0 {
				t.attrs = b[attrStart:i]
			}
			return t, b[i+1:], nil
		}
		if b[i] != ' ' {
			return t, nil, fmt.Errorf("%w: in the start tag of %s", ErrNotCanonical, t.name)
		}
		eq := bytes.IndexByte(b[i:], '=')
		if eq < 0 || i+eq+1 >= len(b) || b[i+eq+1] != '"' {
			return t, nil, fmt.Errorf("%w: an attribute of %s", ErrNotCanonical, t.name)
		}
		attr := b[i+1 : i+eq]
		vs := i + eq + 2
		ve := bytes.IndexByte(b[vs:], '"')
		if ve < 0 || bytes.IndexByte(b[vs:vs+ve], '<') >= 0 {
			return t, nil, fmt.Errorf("%w: an attribute value of %s", ErrNotCanonical, t.name)
		}
		switch {
		case string(attr) == "xmlns":
			if t.xmlns != nil || attrStart >= 0 {
				return t, nil, fmt.Errorf("%w: xmlns of %s is not the first attribute", ErrNotCanonical, t.name)
			}
			t.xmlns = b[vs : vs+ve]
		case name(attr, true):
			if attrStart < 0 {
				attrStart = i
			}
		default:
			return t, nil, fmt.Errorf("%w: attribute %q of %s", ErrNotCanonical, head(attr), t.name)
		}
		i = vs + ve + 1
	}
}

// name reports whether b is a name the canonical prefix-free form may
// hold: no prefix on an element; on an attribute none but xml:, the one
// prefix bound without a declaration.
func name(b []byte, attr bool) bool {
	if len(b) == 0 || bytes.ContainsAny(b, "<>&\"'/=\t\n\r") {
		return false
	}
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return attr && string(b[:i]) == "xml" && i+1 < len(b) && bytes.IndexByte(b[i+1:], ':') < 0
	}
	return true
}

func head(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
