package xmltok

import (
	"bytes"
	"encoding/xml"
)

// rawAttr is an attribute as written, before namespaces are resolved. It
// holds offsets rather than slices of the input: fewer pointers to write
// means fewer GC write barriers on the hottest path.
type rawAttr struct {
	off, end int // of the qualified name
	colon    int // index of the colon in the name, or -1
	value    string
	name     xml.Name // resolved
}

func (a *rawAttr) qname(data []byte) []byte { return data[a.off:a.end:a.end] }

// open is an element whose end tag is still to come.
type open struct {
	off, end int // of the qualified name, which the end tag must repeat exactly
	name     xml.Name
	mark     int // length of the namespace scope before the element's declarations
}

func (o *open) qname(data []byte) []byte { return data[o.off:o.end:o.end] }

// qname scans the qualified name at d.data[i] and returns its end and the
// index of its colon (-1 if none). what names the construct for errors.
func (d *Decoder) qname(i int, what string) (end, colon int, err error) {
	end, ok := scanName(d.data, i)
	if end == i {
		if end >= len(d.data) {
			return 0, 0, d.fail(i, "unexpected end of input, expected %s", what)
		}
		return 0, 0, d.fail(i, "expected %s", what)
	}
	name := d.data[i:end]
	if !ok {
		return 0, 0, d.fail(i, "invalid %s %q", what, name)
	}
	colon = bytes.IndexByte(name, ':')
	if colon < 0 {
		return end, -1, nil
	}
	if colon == 0 || colon == len(name)-1 || bytes.IndexByte(name[colon+1:], ':') >= 0 {
		// encoding/xml refuses two colons but takes ":a" and "a:" as
		// local names; Namespaces in XML makes all three errors.
		if bytes.Count(name, []byte{':'}) > 1 {
			return 0, 0, d.fail(i, "%s %q has more than one colon", what, name)
		}
		return 0, 0, d.failRule(ruleNamespace, i, "%s %q is not a qualified name", what, name)
	}
	return end, colon, nil
}

// startTag reads the start tag at d.pos ('<').
func (d *Decoder) startTag() (xml.Token, error) {
	s := d.data
	tagStart := d.pos
	nameStart := tagStart + 1
	i, colon, err := d.qname(nameStart, "element name")
	if err != nil {
		return nil, err
	}
	qn := s[nameStart:i:i]
	d.raw = d.raw[:0]
	empty := false
	for {
		sp := i
		i = skipSpace(s, i)
		if i >= len(s) {
			return nil, d.fail(i, "unexpected end of input in start tag <%s>", qn)
		}
		if c := s[i]; c == '>' {
			i++
			break
		} else if c == '/' {
			if i+1 >= len(s) || s[i+1] != '>' {
				return nil, d.fail(i, "expected /> in start tag <%s>", qn)
			}
			empty = true
			i += 2
			break
		} else if c < 0x80 && !isNameStartByte(c) {
			return nil, d.fail(i, "expected attribute name in start tag <%s>", qn)
		}
		if i == sp {
			return nil, d.failRule(ruleSpace, i, "no white space before attribute in start tag <%s>", qn)
		}
		if len(d.raw) >= d.maxAttrs {
			return nil, d.failRule(ruleAttrs, i, "start tag <%s> has more than %d attributes", qn, d.maxAttrs)
		}
		if i, err = d.attr(i); err != nil {
			return nil, err
		}
	}
	d.pos = i
	return d.element(tagStart, qn, colon, empty)
}

// attr reads the attribute at d.data[i] into d.raw and returns its end.
func (d *Decoder) attr(i int) (int, error) {
	s := d.data
	nameStart := i
	i, colon, err := d.qname(i, "attribute name")
	if err != nil {
		return 0, err
	}
	qn := s[nameStart:i:i]
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '=' {
		return 0, d.fail(i, "expected = after attribute %s", qn)
	}
	i = skipSpace(s, i+1)
	if i >= len(s) || s[i] != '"' && s[i] != '\'' {
		return 0, d.fail(i, "expected quoted value of attribute %s", qn)
	}
	vStart := i + 1
	n := bytes.IndexByte(s[vStart:], s[i])
	if n < 0 {
		return 0, d.fail(i, "unterminated value of attribute %s", qn)
	}
	vEnd := vStart + n
	if lt := bytes.IndexByte(s[vStart:vEnd], '<'); lt >= 0 {
		return 0, d.fail(vStart+lt, "< in value of attribute %s", qn)
	}
	v, err := d.decodeText(vStart, vEnd, modeAttr)
	if err != nil {
		return 0, err
	}
	var value string
	if !d.discard || isDeclaration(qn, colon) {
		value = d.valueString(v) // Skip needs only the namespaces
	}
	var a *rawAttr
	d.raw, a = extend(d.raw)
	a.off, a.end, a.colon, a.value = nameStart, nameStart+len(qn), colon, value
	return vEnd + 1, nil
}

// isDeclaration reports whether the attribute qn declares a namespace.
func isDeclaration(qn []byte, colon int) bool {
	return string(qn) == "xmlns" || colon == len("xmlns") && string(qn[:colon]) == "xmlns"
}

// endTag reads the end tag at d.pos ("</").
func (d *Decoder) endTag() (xml.Token, error) {
	s := d.data
	nameStart := d.pos + 2
	if len(d.stack) == 0 {
		return nil, d.fail(d.pos, "end tag </%s> without a start tag", s[nameStart:nameEnd(s, nameStart)])
	}
	top := &d.stack[len(d.stack)-1]
	qn := top.qname(s)
	// The end tag must repeat the start tag's name byte for byte, so a
	// prefix comparison and a look at the next byte replace a name scan.
	i := nameStart + len(qn)
	if !bytes.HasPrefix(s[nameStart:], qn) || i < len(s) && (isNameByte(s[i]) || s[i] >= 0x80) {
		return nil, d.fail(d.pos, "element <%s> closed by </%s>", qn, s[nameStart:nameEnd(s, nameStart)])
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '>' {
		return nil, d.fail(i, "expected > in end tag </%s>", qn)
	}
	d.pos = i + 1
	return d.pop(), nil
}

// pop closes the innermost element.
func (d *Decoder) pop() xml.Token {
	top := &d.stack[len(d.stack)-1]
	d.ns.popTo(top.mark)
	d.stack = d.stack[:len(d.stack)-1]
	return d.tokens.endElement(top.name)
}

// element applies the namespace declarations among d.raw, resolves the
// names of a start tag and opens the element.
func (d *Decoder) element(off int, qn []byte, colon int, empty bool) (xml.Token, error) {
	if len(d.stack) >= d.maxDepth {
		return nil, d.failRule(ruleDepth, off, "elements nest deeper than %d", d.maxDepth)
	}
	if len(d.stack) == 0 {
		if d.rootSeen {
			return nil, d.failRule(ruleStructure, off, "second root element <%s>", qn)
		}
		d.rootSeen = true
	}
	mark := len(d.ns.b)
	for i := range d.raw {
		if err := d.declare(&d.raw[i]); err != nil {
			return nil, err
		}
	}
	name, err := d.resolve(off, qn, colon, true)
	if err != nil {
		return nil, err
	}
	var attrs []xml.Attr
	if !d.discard {
		attrs = d.newAttrs(len(d.raw))
	}
	for i := range d.raw {
		a := &d.raw[i]
		if a.name, err = d.resolve(a.off, a.qname(d.data), a.colon, false); err != nil {
			return nil, err
		}
		if attrs != nil {
			// Field by field: a struct copy would go through the
			// slower bulk write barrier.
			attrs[i].Name = a.name
			attrs[i].Value = a.value
		}
	}
	if err := d.checkDuplicates(); err != nil {
		return nil, err
	}
	var o *open
	d.stack, o = extend(d.stack)
	o.off, o.end, o.name, o.mark = off+1, off+1+len(qn), name, mark
	d.pendingEnd = empty
	if len(attrs) == 0 {
		return d.tokens.startElement(name), nil
	}
	return xml.StartElement{Name: name, Attr: attrs}, nil
}

// newAttrs hands out n attributes from a shared block, so that a start
// tag costs no allocation of its own. Blocks are never reused: what a
// token holds stays valid.
func (d *Decoder) newAttrs(n int) []xml.Attr {
	if n == 0 {
		return []xml.Attr{} // what encoding/xml returns; allocates nothing
	}
	if cap(d.attrs)-len(d.attrs) < n {
		d.attrs = make([]xml.Attr, 0, max(n, 64))
	}
	l := len(d.attrs)
	d.attrs = d.attrs[:l+n]
	return d.attrs[l : l+n : l+n]
}

// extend returns s one element longer, and that element, which holds
// whatever it held before: callers set every field. Setting fields in place
// rather than appending a struct avoids the bulk write barrier a struct
// copy with pointers costs while the GC runs.
func extend[T any](s []T) ([]T, *T) {
	if len(s) == cap(s) {
		var zero T
		s = append(s, zero)[:len(s)]
	}
	s = s[:len(s)+1]
	return s, &s[len(s)-1]
}
