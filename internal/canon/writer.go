package canon

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
)

// Writer writes XML directly in its canonical form (Canonical XML of a
// document without prefixed element names or comments): every element is
// written as a start and an end tag, and carries a default xmlns exactly
// where its namespace differs from its parent's; text and every attribute
// value, namespace names included, are escaped as Canonical XML escapes
// them. Because what it writes already is the canonical form, a signer can
// digest the bytes as they are, without parsing them again.
//
// With Counting set it writes nothing and only adds up the length, so that
// sizes are known before anything is encoded.
type Writer struct {
	Buf      []byte
	Counting bool
	n        int // bytes written or counted
	ns       []string
}

// New returns a writer appending to buf, inside an element of
// namespace parentNS ("" at the top of a document).
func New(buf []byte, parentNS string) *Writer {
	return &Writer{Buf: buf, ns: []string{parentNS}}
}

// Len is what has been written or counted so far.
func (w *Writer) Len() int { return w.n }

func (w *Writer) raw(s string) {
	w.n += len(s)
	if !w.Counting {
		w.Buf = append(w.Buf, s...)
	}
}

// Open writes a start tag.
func (w *Writer) Open(local, ns string) { w.OpenAttrs(local, ns) }

// OpenAttrs writes a start tag with unqualified attributes given as name,
// value pairs. Canonical XML orders attributes by name: pass them sorted.
func (w *Writer) OpenAttrs(local, ns string, attrs ...string) { w.OpenNS(local, ns, nil, attrs) }

// OpenNS writes a start tag with namespace declarations other than the
// default one, given as prefix, namespace name pairs, and attributes given
// as name, value pairs, each in the order Canonical XML writes them (by
// prefix; by name). The caller decides which declarations a canonical form
// renders. Names are written as they are — they must be XML names, as any
// parser's are —, and every value, namespace names included, is escaped as
// Canonical XML escapes attribute values: no value can end the attribute
// or the tag it stands in.
func (w *Writer) OpenNS(local, ns string, decls, attrs []string) {
	w.raw("<")
	w.raw(local)
	if ns != w.ns[len(w.ns)-1] {
		w.raw(` xmlns="`)
		w.attrValue(ns)
		w.raw(`"`)
	}
	for i := 0; i+1 < len(decls); i += 2 {
		w.raw(" xmlns:")
		w.raw(decls[i])
		w.raw(`="`)
		w.attrValue(decls[i+1])
		w.raw(`"`)
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		w.raw(" ")
		w.raw(attrs[i])
		w.raw(`="`)
		w.attrValue(attrs[i+1])
		w.raw(`"`)
	}
	w.raw(">")
	w.ns = append(w.ns, ns)
}

// attrValue escapes an attribute value as canonical XML does (&, <, ", tab,
// line feed and carriage return).
func (w *Writer) attrValue(s string) { w.escape(s, true) }

// Raw writes bytes that already are canonical XML, such as a signed
// fragment.
func (w *Writer) Raw(b []byte) {
	w.n += len(b)
	if !w.Counting {
		w.Buf = append(w.Buf, b...)
	}
}

// Close writes the end tag of the innermost open element.
func (w *Writer) Close(local string) {
	w.ns = w.ns[:len(w.ns)-1]
	w.raw("</")
	w.raw(local)
	w.raw(">")
}

// Text writes character data escaped as canonical XML does (&, <, > and
// carriage return).
func (w *Writer) Text(s string) { w.escape(s, false) }

// Leaf writes an element holding only text.
func (w *Writer) Leaf(local, ns, text string) {
	w.Open(local, ns)
	w.Text(text)
	w.Close(local)
}

// OptLeaf writes a leaf unless text is empty.
func (w *Writer) OptLeaf(local, ns, text string) {
	if text != "" {
		w.Leaf(local, ns, text)
	}
}

// Base64 writes data base64-encoded (standard alphabet, padded, one line).
func (w *Writer) Base64(data []byte) {
	n := base64.StdEncoding.EncodedLen(len(data))
	w.n += n
	if !w.Counting {
		w.Buf = base64.StdEncoding.AppendEncode(w.Buf, data)
	}
}

// MD5Hex writes the upper-case hex MD5 of data, as production senders write
// attachment checksums.
func (w *Writer) MD5Hex(data []byte) {
	w.n += 2 * md5.Size
	if !w.Counting {
		sum := md5.Sum(data)
		w.Buf = hex.AppendEncode(w.Buf, sum[:])
		upper(w.Buf[len(w.Buf)-2*md5.Size:])
	}
}

func upper(b []byte) {
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
}
