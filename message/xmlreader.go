package message

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/avsandare/mm/internal/xmltok"
)

// ErrMalformed is wrapped by every error of the wire-form parsers.
var ErrMalformed = errors.New("malformed wire form")

// reader walks an XML document strictly in the order an XSD sequence
// prescribes. It skips comments, processing instructions and whitespace
// between elements; it refuses DTDs, unknown entities and text where only
// elements belong. Errors name the path to the element at fault.
type reader struct {
	d      tokenSource
	peeked xml.Token
	path   []string
	err    error // sticky: once reading failed, every later read fails alike
	// stable is true when CharData stays valid after the next Token call
	// (xmltok's tokens alias the immutable input; encoding/xml's do not).
	stable bool
}

// tokenSource is what reader needs of a decoder: encoding/xml's (as the
// SOAP layer hands one over) or xmltok's.
type tokenSource interface {
	Token() (xml.Token, error)
	Skip() error
}

// maxDepth bounds nesting; the deepest element of the wire form is about 8
// levels down.
const maxDepth = 64

func newReader(data []byte) *reader {
	return &reader{d: xmltok.NewDecoder(data, xmltok.Options{MaxDepth: maxDepth}), stable: true}
}

func (r *reader) errf(format string, a ...any) error {
	where := "/" + strings.Join(r.path, "/")
	return fmt.Errorf("%w: at %s: %s", ErrMalformed, where, fmt.Sprintf(format, a...))
}

// next returns the next significant token.
func (r *reader) next() (xml.Token, error) {
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

func (r *reader) scan() (xml.Token, error) {
	for {
		t, err := r.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, r.errf("%v", err)
		}
		switch t := t.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			return nil, r.errf("unexpected text")
		case xml.Comment, xml.ProcInst:
			continue
		case xml.Directive:
			return nil, r.errf("DTDs and other directives are not allowed")
		}
		return t, nil
	}
}

func (r *reader) peek() (xml.Token, error) {
	if r.peeked == nil {
		t, err := r.next()
		if err != nil {
			return nil, err
		}
		r.peeked = t
	}
	return r.peeked, nil
}

// is reports whether the next token starts element {ns}local.
func (r *reader) is(ns, local string) bool {
	t, err := r.peek()
	if err != nil {
		return false
	}
	se, ok := t.(xml.StartElement)
	return ok && se.Name.Space == ns && se.Name.Local == local
}

// start consumes the start of element {ns}local.
func (r *reader) start(ns, local string) error {
	t, err := r.next()
	if err != nil {
		return r.eofAsError(err, local)
	}
	se, ok := t.(xml.StartElement)
	if !ok {
		return r.errf("want element %s", local)
	}
	if se.Name.Local != local || se.Name.Space != ns {
		return r.errf("want element %s in namespace %s, got %s in namespace %s", local, ns, se.Name.Local, nsOrNone(se.Name.Space))
	}
	r.path = append(r.path, local)
	return nil
}

// opt consumes the start of element {ns}local if it comes next.
func (r *reader) opt(ns, local string) (bool, error) {
	if _, err := r.peek(); err != nil {
		return false, r.eofAsError(err, local)
	}
	if !r.is(ns, local) {
		return false, nil
	}
	return true, r.start(ns, local)
}

// end consumes the end of the innermost element.
func (r *reader) end() error {
	t, err := r.next()
	if err != nil {
		return r.eofAsError(err, "")
	}
	switch t := t.(type) {
	case xml.EndElement:
		r.path = r.path[:len(r.path)-1]
		return nil
	case xml.StartElement:
		return r.errf("unexpected element %s", t.Name.Local)
	}
	return r.errf("want the end of the element")
}

// text reads the text content of the element just started, and its end.
func (r *reader) text() (string, error) {
	b, err := r.textBytes()
	return string(b), err
}

// textBytes is text without the string conversion; the bytes may alias the
// input and must not be kept or modified.
func (r *reader) textBytes() ([]byte, error) {
	if r.peeked != nil {
		return nil, r.errf("internal: text after peek")
	}
	var buf []byte
	chunks := 0
	for {
		t, err := r.d.Token()
		if err != nil {
			return nil, r.eofAsError(err, "")
		}
		switch t := t.(type) {
		case xml.CharData:
			if chunks == 0 && r.stable {
				buf = t // a single run is the common case: no copy
			} else {
				buf = append(buf[:len(buf):len(buf)], t...)
			}
			chunks++
		case xml.Comment, xml.ProcInst:
		case xml.EndElement:
			r.path = r.path[:len(r.path)-1]
			return buf, nil
		case xml.StartElement:
			return nil, r.errf("element %s where only text belongs", t.Name.Local)
		default:
			return nil, r.errf("unexpected %T", t)
		}
	}
}

// leafBytes reads element {ns}local holding only text, as bytes.
func (r *reader) leafBytes(ns, local string) ([]byte, error) {
	if err := r.start(ns, local); err != nil {
		return nil, err
	}
	return r.textBytes()
}

// leaf reads element {ns}local holding only text.
func (r *reader) leaf(ns, local string) (string, error) {
	if err := r.start(ns, local); err != nil {
		return "", err
	}
	return r.text()
}

// optLeaf reads element {ns}local if it comes next.
func (r *reader) optLeaf(ns, local string) (string, error) {
	ok, err := r.opt(ns, local)
	if !ok || err != nil {
		return "", err
	}
	return r.text()
}

// skip consumes the rest of the element just started, whatever it holds.
func (r *reader) skip() error {
	if r.peeked != nil {
		return r.errf("internal: skip after peek")
	}
	if err := r.d.Skip(); err != nil {
		return r.eofAsError(err, "")
	}
	r.path = r.path[:len(r.path)-1]
	return nil
}

// eof checks that nothing but whitespace and comments follows the root.
func (r *reader) eof() error {
	_, err := r.next()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.errf("content after the root element")
}

func (r *reader) eofAsError(err error, want string) error {
	if errors.Is(err, io.EOF) {
		if want != "" {
			return r.errf("document ends where element %s belongs", want)
		}
		return r.errf("document ends early")
	}
	if errors.Is(err, ErrMalformed) {
		return err
	}
	return r.errf("%v", err)
}

func nsOrNone(ns string) string {
	if ns == "" {
		return "(none)"
	}
	return ns
}
