package wireform

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// ErrNotCanonical is returned when the bytes given to Writer.Canonical are
// not canonical XML as the SDK writes it: a bug in the caller, never a
// property of outside input.
var ErrNotCanonical = errors.New("wireform: not canonical XML")

// Writer writes one SOAP request envelope. Make one with Layout.NewWriter,
// write the Body's content with Open, Canonical and Close, then take the
// request from Envelope. A Writer is not safe for concurrent use.
type Writer struct {
	l     *Layout
	buf   []byte
	gap   int     // bytes reserved at the start for the envelope's start tags
	used  []bool  // which of the layout's prefixes the body uses
	open  []frame // elements opened with Open
	other map[string]string
	err   error
}

// frame is an open element: what its end tag needs.
type frame struct{ prefix, local string }

// NewWriter returns a writer for a request whose body is about sizeHint
// bytes of canonical XML.
func (l *Layout) NewWriter(sizeHint int) *Writer {
	gap := len("<:Envelope><:Body>") + 2*l.longest + l.declLen
	w := &Writer{l: l, gap: gap, used: make([]bool, len(l.prefixes))}
	// Prefixes make a tag a few bytes longer and save the xmlns of each
	// element whose namespace changes: a sixteenth is ample room.
	w.buf = make([]byte, gap, gap+sizeHint+sizeHint/16+512)
	w.used[l.soap] = true
	return w
}

// Open writes the start tag of an element named local in namespace ns.
func (w *Writer) Open(ns, local string) {
	p := w.prefixFor(ns)
	w.startTag(p, []byte(local), w.declaration(ns), nil)
	w.open = append(w.open, frame{p, local})
}

// Close writes the end tag of the innermost element Open opened.
func (w *Writer) Close() {
	if len(w.open) == 0 {
		w.fail(errors.New("wireform: Close without Open"))
		return
	}
	f := w.open[len(w.open)-1]
	w.open = w.open[:len(w.open)-1]
	w.endTag(f.prefix, []byte(f.local))
}

// Canonical writes frag, canonical prefix-free XML (one or more elements,
// each with a default xmlns where its namespace differs from its parent's),
// whose parent is in namespace parentNS, with every element prefixed.
// Text, attribute values and unqualified attributes are copied as they
// are; each default namespace declaration becomes the element's prefix.
func (w *Writer) Canonical(frag []byte, parentNS string) error {
	if w.err != nil {
		return w.err
	}
	type elem struct {
		ns     string
		prefix string
		local  []byte
	}
	stack := []elem{{ns: parentNS}}
	for len(frag) > 0 {
		i := bytes.IndexByte(frag, '<')
		if i < 0 {
			i = len(frag)
		}
		if i > 0 && len(stack) == 1 {
			return w.fail(fmt.Errorf("%w: text outside an element", ErrNotCanonical))
		}
		w.buf = append(w.buf, frag[:i]...)
		frag = frag[i:]
		if len(frag) == 0 {
			break
		}
		if len(frag) > 1 && frag[1] == '/' {
			end := bytes.IndexByte(frag, '>')
			if end < 0 || len(stack) == 1 || !bytes.Equal(frag[2:end], stack[len(stack)-1].local) {
				return w.fail(fmt.Errorf("%w: an end tag that closes nothing open", ErrNotCanonical))
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			w.endTag(top.prefix, top.local)
			frag = frag[end+1:]
			continue
		}
		t, rest, err := readStart(frag)
		if err != nil {
			return w.fail(err)
		}
		ns := stack[len(stack)-1].ns
		if t.xmlns != nil {
			ns = string(t.xmlns)
		}
		p := w.prefixFor(ns)
		decl := ""
		if t.xmlns != nil {
			decl = w.declaration(ns)
		}
		w.startTag(p, t.name, decl, t.attrs)
		stack = append(stack, elem{ns, p, t.name})
		frag = rest
	}
	if len(stack) != 1 {
		return w.fail(fmt.Errorf("%w: %d elements left open", ErrNotCanonical, len(stack)-1))
	}
	return nil
}

// Envelope closes the SOAP body and envelope and returns the whole request.
func (w *Writer) Envelope() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if len(w.open) > 0 {
		return nil, fmt.Errorf("wireform: %d elements left open", len(w.open))
	}
	soap := w.l.prefixes[w.l.soap].Name
	w.endTag(soap, []byte("Body"))
	w.endTag(soap, []byte("Envelope"))
	head := make([]byte, 0, w.gap)
	head = append(head, '<')
	head = append(head, soap...)
	head = append(head, ":Envelope"...)
	for i, p := range w.l.prefixes {
		if w.used[i] {
			head = append(head, " xmlns:"...)
			head = append(head, p.Name...)
			head = append(head, `="`...)
			head = append(head, p.Namespace...)
			head = append(head, '"')
		}
	}
	head = append(head, "><"...)
	head = append(head, soap...)
	head = append(head, ":Body>"...)
	start := w.gap - len(head)
	copy(w.buf[start:], head)
	out := w.buf[start:]
	w.buf, w.err = nil, errors.New("wireform: Envelope already called")
	return out, nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// prefixFor returns the prefix of namespace ns, or "" for no namespace.
func (w *Writer) prefixFor(ns string) string {
	if ns == "" {
		return ""
	}
	if i, ok := w.l.index[ns]; ok {
		w.used[i] = true
		return w.l.prefixes[i].Name
	}
	if p, ok := w.other[ns]; ok {
		return p
	}
	if w.other == nil {
		w.other = map[string]string{}
	}
	p := "ns" + strconv.Itoa(len(w.other)+1)
	for w.l.hasPrefix(p) {
		p += "_"
	}
	w.other[ns] = p
	return p
}

// declaration returns the namespace to declare on an element of namespace
// ns that starts a new scope: none for the layout's namespaces, which the
// envelope declares, and ns itself for one outside the layout (content of
// a foreign signature, say), declared where the canonical form declared it
// so that it is in scope wherever it is used.
func (w *Writer) declaration(ns string) string {
	if _, ok := w.l.index[ns]; ok {
		return ""
	}
	return ns
}

func (l *Layout) hasPrefix(name string) bool {
	for _, p := range l.prefixes {
		if p.Name == name {
			return true
		}
	}
	return false
}

// startTag writes a start tag: "<prefix:name", the declaration of prefix
// for namespace declare unless it is empty, attrs as they are, ">".
func (w *Writer) startTag(prefix string, name []byte, declare string, attrs []byte) {
	w.buf = append(w.buf, '<')
	if prefix != "" {
		w.buf = append(w.buf, prefix...)
		w.buf = append(w.buf, ':')
	}
	w.buf = append(w.buf, name...)
	if declare != "" {
		w.buf = append(w.buf, " xmlns:"...)
		w.buf = append(w.buf, prefix...)
		w.buf = append(w.buf, `="`...)
		w.buf = append(w.buf, declare...) // escaped, as the canonical form wrote it
		w.buf = append(w.buf, '"')
	}
	w.buf = append(w.buf, attrs...)
	w.buf = append(w.buf, '>')
}

func (w *Writer) endTag(prefix string, name []byte) {
	w.buf = append(w.buf, "</"...)
	if prefix != "" {
		w.buf = append(w.buf, prefix...)
		w.buf = append(w.buf, ':')
	}
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}
