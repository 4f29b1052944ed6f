package xmlseq

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/avsandare/mm/safetext"
)

// Source is what a Reader needs of a decoder; encoding/xml's *xml.Decoder
// and internal/xmltok's *Decoder both satisfy it.
type Source interface {
	Token() (xml.Token, error)
	Skip() error
}

// Options says how a Reader treats its Source.
type Options struct {
	// Stable is true when the CharData the Source returns stays valid after
	// its next Token call, as internal/xmltok's does (it aliases the
	// immutable input) and encoding/xml's does not. TextBytes then returns
	// a single run of text without copying it.
	Stable bool
	// MaxText bounds the bytes of text one text-only element may hold;
	// zero means no bound.
	MaxText int
	// Within names the elements, outermost first, the Source already stands
	// inside, for a caller handed a decoder just after a start tag: errors
	// name paths from there, and End consumes their end tags.
	Within []string
}

// Reader reads an XML document strictly in the order an XSD sequence
// prescribes: the caller asks for each element in turn and the Reader
// refuses anything else. Between elements it skips comments, processing
// instructions and white space; it refuses directives (DTDs) anywhere and
// text where only elements belong. Every error is an *Error naming the
// path to the element at fault.
//
// A failure to read the next element is sticky: every later call that
// reads one fails alike, so that a lookahead with Is that met an error
// (and reported only false) cannot let the next call go on as if nothing
// happened.
type Reader struct {
	src     Source
	peeked  xml.Token // a StartElement or EndElement read ahead by Is
	path    []string
	err     error // sticky: the Source's io.EOF as it is, or an *Error
	stable  bool
	maxText int
}

// New returns a Reader over src.
func New(src Source, o Options) *Reader {
	// Clipped, so that Start's appends never write into the caller's array.
	return &Reader{src: src, path: slices.Clip(o.Within), stable: o.Stable, maxText: o.MaxText}
}

// reasonDirective is why a directive is refused, wherever it stands.
const reasonDirective = "DTDs and other directives are not allowed"

// Errorf returns an *Error at the innermost open element. Its path and
// reason quote the document, which may hold anything: both are cleaned by
// safetext.Clean.
func (r *Reader) Errorf(format string, a ...any) error {
	return &Error{Path: safetext.Clean("/" + strings.Join(r.path, "/")), Reason: safetext.Clean(fmt.Sprintf(format, a...))}
}

// ChildErrorf is Errorf about child element local, which has just been
// read and closed, such as a leaf whose text turned out to be wrong.
func (r *Reader) ChildErrorf(local, format string, a ...any) error {
	return &Error{Path: safetext.Clean("/" + strings.Join(append(r.path[:len(r.path):len(r.path)], local), "/")), Reason: safetext.Clean(fmt.Sprintf(format, a...))}
}

// next returns the next significant token.
func (r *Reader) next() (xml.Token, error) {
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

// scan reads up to the next start or end tag. The end of input comes back
// as io.EOF, for the caller to say what it was waiting for.
func (r *Reader) scan() (xml.Token, error) {
	for {
		t, err := r.src.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, r.Errorf("%v", err)
		}
		switch t := t.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			return nil, r.Errorf("unexpected text")
		case xml.Comment, xml.ProcInst:
			continue
		case xml.Directive:
			return nil, r.Errorf(reasonDirective)
		}
		return t, nil
	}
}

func (r *Reader) peek() (xml.Token, error) {
	if r.peeked == nil {
		t, err := r.next()
		if err != nil {
			return nil, err
		}
		r.peeked = t
	}
	return r.peeked, nil
}

// Is reports whether the next element starts element {ns}local. It is false
// when reading fails; the next call that consumes returns the failure.
func (r *Reader) Is(ns, local string) bool {
	t, err := r.peek()
	if err != nil {
		return false
	}
	se, ok := t.(xml.StartElement)
	return ok && se.Name.Space == ns && se.Name.Local == local
}

// Start consumes the start of element {ns}local, which must come next.
func (r *Reader) Start(ns, local string) error {
	t, err := r.next()
	if err != nil {
		return r.fromSource(err, local)
	}
	se, ok := t.(xml.StartElement)
	if !ok {
		return r.Errorf("want element %s", local)
	}
	if se.Name.Local != local || se.Name.Space != ns {
		return r.Errorf("want element %s in namespace %s, got %s in namespace %s", local, ns, se.Name.Local, nsOrNone(se.Name.Space))
	}
	r.path = append(r.path, local)
	return nil
}

// Opt consumes the start of element {ns}local if it comes next, and
// reports whether it did.
func (r *Reader) Opt(ns, local string) (bool, error) {
	if _, err := r.peek(); err != nil {
		return false, r.fromSource(err, local)
	}
	if !r.Is(ns, local) {
		return false, nil
	}
	return true, r.Start(ns, local)
}

// Next consumes the next start tag, whatever its name, without entering
// the element: for a caller that hands the element to code of its own
// with the Source, as a decoder standing just after the tag.
func (r *Reader) Next() (xml.StartElement, error) {
	t, err := r.next()
	if err != nil {
		return xml.StartElement{}, r.fromSource(err, "")
	}
	se, ok := t.(xml.StartElement)
	if !ok {
		return xml.StartElement{}, r.Errorf("want a start tag")
	}
	return se, nil
}

// End consumes the end of the innermost open element.
func (r *Reader) End() error {
	t, err := r.next()
	if err != nil {
		return r.fromSource(err, "")
	}
	switch t := t.(type) {
	case xml.EndElement:
		r.path = r.path[:len(r.path)-1]
		return nil
	case xml.StartElement:
		return r.Errorf("unexpected element %s", t.Name.Local)
	}
	return r.Errorf("want the end of the element")
}

// Text reads the text content of the element just started, and its end.
func (r *Reader) Text() (string, error) {
	b, err := r.TextBytes()
	return string(b), err
}

// TextBytes is Text without the string conversion, for large leaves such as
// base64. The bytes may alias the input: they must not be modified, and
// kept only as long as the input is.
func (r *Reader) TextBytes() ([]byte, error) {
	if r.peeked != nil {
		return nil, r.Errorf("internal: text after peek")
	}
	var buf []byte
	chunks := 0
	for {
		t, err := r.src.Token()
		if err != nil {
			return nil, r.fromSource(err, "")
		}
		switch t := t.(type) {
		case xml.CharData:
			if r.maxText > 0 && len(buf)+len(t) > r.maxText {
				return nil, r.Errorf("longer than %d bytes", r.maxText)
			}
			if chunks == 0 && r.stable {
				buf = t // a single run is the common case: no copy
			} else {
				// Clipped, so that a stable run is never written into.
				buf = append(buf[:len(buf):len(buf)], t...)
			}
			chunks++
		case xml.Comment, xml.ProcInst:
		case xml.EndElement:
			r.path = r.path[:len(r.path)-1]
			return buf, nil
		case xml.StartElement:
			return nil, r.Errorf("element %s where only text belongs", t.Name.Local)
		case xml.Directive:
			return nil, r.Errorf(reasonDirective)
		default:
			return nil, r.Errorf("unexpected %T", t)
		}
	}
}

// Leaf reads element {ns}local, which holds only text.
func (r *Reader) Leaf(ns, local string) (string, error) {
	if err := r.Start(ns, local); err != nil {
		return "", err
	}
	return r.Text()
}

// LeafBytes is Leaf returning TextBytes.
func (r *Reader) LeafBytes(ns, local string) ([]byte, error) {
	if err := r.Start(ns, local); err != nil {
		return nil, err
	}
	return r.TextBytes()
}

// OptLeaf reads element {ns}local if it comes next; it returns "" if not.
func (r *Reader) OptLeaf(ns, local string) (string, error) {
	ok, err := r.Opt(ns, local)
	if !ok || err != nil {
		return "", err
	}
	return r.Text()
}

// Skip consumes the rest of the element just started, whatever it holds.
func (r *Reader) Skip() error {
	if r.peeked != nil {
		return r.Errorf("internal: skip after peek")
	}
	if err := r.src.Skip(); err != nil {
		return r.fromSource(err, "")
	}
	r.path = r.path[:len(r.path)-1]
	return nil
}

// EOF checks that nothing but white space, comments and processing
// instructions follows the root element.
func (r *Reader) EOF() error {
	if r.peeked != nil {
		return r.Errorf("content after the root element")
	}
	if r.err != nil {
		if errors.Is(r.err, io.EOF) {
			return nil
		}
		return r.err
	}
	for {
		t, err := r.src.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.fromSource(err, "")
		}
		switch t := t.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return r.Errorf("text after the root element")
			}
		case xml.Directive:
			return r.Errorf(reasonDirective)
		default:
			return r.Errorf("content after the root element")
		}
	}
}

// fromSource turns a failure to read into an *Error; want names the
// element the caller was about to read, if any. An *Error passes as it is.
func (r *Reader) fromSource(err error, want string) error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	if !errors.Is(err, io.EOF) {
		return r.Errorf("%v", err)
	}
	e := &Error{Path: "/" + strings.Join(r.path, "/"), Reason: "document ends early", EOF: true}
	if want != "" {
		e.Reason = "document ends where element " + want + " belongs"
	}
	return e
}

func nsOrNone(ns string) string {
	if ns == "" {
		return "(none)"
	}
	return ns
}
