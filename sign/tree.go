package sign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/avsandare/mm/internal/xmltok"
)

// element is an element as Verify reads it: already in the prefix-free
// form of SPEC §4, quirk 1. It has a namespace and a local name, no prefix;
// a default namespace declaration is implied by the namespace itself, and
// prefixed declarations are kept apart from the attributes, each knowing
// whether an element name uses it (see keptDecls). etree, which the
// verifier used before, looked attributes up by scanning them — quadratic
// in the attributes of an element — and matched a "xmlns" lookup under any
// prefix; this tree has neither property to get wrong.
type element struct {
	ns, local string
	kids      []node
	x         *extra // nil for the many elements without attributes, declarations or markup
	// size is the bytes the element spans in the input, which bounds its
	// canonical form closely enough to size buffers once.
	size int
}

// extra holds what most elements do not have.
type extra struct {
	// attrs are the start tag's attributes in document order: the token's
	// own slice (xmltok never reuses it), so that attributes cost no copy.
	// Declarations stay among them and are skipped (isDecl) by everything
	// that reads attributes; decls holds the prefixed ones again. Name.Space
	// is "" for an unqualified attribute, xmlNS for xml:lang and kin, or
	// any other namespace (refused in signed content).
	attrs    []xml.Attr
	decls    []nsDecl // prefixed declarations written on the element
	comment  bool     // a comment among the children
	procInst bool     // a processing instruction among the children
}

// nsDecl is a prefixed namespace declaration, pointing into its element's
// attributes.
type nsDecl struct {
	attr *xml.Attr
	// elementUse: some element in the declaration's scope is written with
	// its prefix. Such a declaration is what a SOAP stack adds when it
	// prefixes a document, and goes with the prefixes.
	elementUse bool
}

func (d *nsDecl) prefix() string { return d.attr.Name.Local }
func (d *nsDecl) uri() string    { return d.attr.Value }

// node is a child: an element, or text when el is nil.
type node struct {
	el   *element
	text string
}

// xmlNS is the namespace of the xml: prefix.
const xmlNS = "http://www.w3.org/XML/1998/namespace"

func (el *element) ext() *extra {
	if el.x == nil {
		el.x = &extra{}
	}
	return el.x
}

func (el *element) attrs() []xml.Attr {
	if el.x == nil {
		return nil
	}
	return el.x.attrs
}

// attr returns the value of el's unqualified attribute local.
func (el *element) attr(local string) (string, bool) {
	for _, a := range el.attrs() {
		if a.Name.Space == "" && a.Name.Local == local && !isDecl(a) {
			return a.Value, true
		}
	}
	return "", false
}

// isDecl reports whether a, as xmltok resolves names, is a namespace
// declaration: xmlns:p has the Space "xmlns" (xmltok refuses a namespace
// of that name, which would look alike) and xmlns the Space "". An
// attribute named xmlns under another prefix, such as xml:xmlns or
// p:xmlns, declares nothing.
func isDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns"
}

// keptDecls returns the declarations of el that survive prefix stripping:
// those no element name uses. They are rendered as the canonicalisation
// the signature states requires (inclusive C14N writes them, exclusive
// drops them as unused).
func (el *element) keptDecls() iter.Seq[*nsDecl] {
	return func(yield func(*nsDecl) bool) {
		if el.x == nil {
			return
		}
		for i := range el.x.decls {
			if d := &el.x.decls[i]; !d.elementUse && !yield(d) {
				return
			}
		}
	}
}

// is reports whether el is {ns}local.
func is(el *element, ns, local string) bool {
	return el != nil && el.local == local && el.ns == ns
}

// elementChildren returns el's child elements, and whether el holds text
// other than white space between them.
func elementChildren(el *element) ([]*element, bool) {
	var kids []*element
	text := false
	for _, c := range el.kids {
		if c.el != nil {
			kids = append(kids, c.el)
		} else if !text && strings.TrimSpace(c.text) != "" {
			text = true
		}
	}
	return kids, text
}

// textOf returns the text directly inside el (CDATA sections and
// references make several runs of one text).
func textOf(el *element) string {
	var b strings.Builder
	for _, c := range el.kids {
		if c.el == nil {
			b.WriteString(c.text)
		}
	}
	return b.String()
}

// treeReader builds a tree from xmltok's tokens.
type treeReader struct {
	d        *xmltok.Decoder
	lim      Limits
	root     *element
	stack    []*element
	scope    map[string][]*nsDecl // prefix → its declarations in scope, innermost last
	space    map[string]string    // short runs of white space, shared
	elements int
	before   int // the input offset before the token being handled
	// The text run being read: CDATA sections and text between them come
	// as several tokens, made into one node when the run ends.
	run    []byte // the run's first token, aliasing the input
	runBuf []byte // the run so far, once it has more than one token
	runs   int
}

// maxSharedSpace bounds the white-space strings shared between text nodes
// (indentation recurs; a hostile document's variety must not grow a map).
const (
	maxSharedSpaceLen = 64
	maxSharedSpaces   = 1024
)

// parseTree reads doc into a prefix-free tree (SPEC §4, quirk 1): every
// element keeps its namespace and local name and loses its prefix;
// declarations stay only as nsDecl records. Prefixes are resolved by
// internal/xmltok, which checks nesting and namespaces strictly, refuses
// undeclared prefixes, duplicate attributes and DTDs, normalises attribute
// values as the XML specification and xmlsec1 do, and bounds depth and the
// attributes of a start tag. Size and element count are bounded here.
// Every step costs time linear in what it reads.
func parseTree(doc []byte, lim Limits) (*element, error) {
	if len(doc) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: document of %d bytes exceeds the limit of %d", ErrMalformed, len(doc), lim.MaxBytes)
	}
	r := &treeReader{d: xmltok.NewDecoder(doc, xmltok.Options{MaxDepth: lim.MaxDepth, MaxAttrs: lim.MaxAttrs}), lim: lim}
	for {
		r.before = int(r.d.InputOffset())
		tok, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if err := r.token(tok); err != nil {
			return nil, err
		}
	}
	if r.root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	return r.root, nil
}

func (r *treeReader) token(tok xml.Token) error {
	var parent *element
	if len(r.stack) > 0 {
		parent = r.stack[len(r.stack)-1]
	}
	if t, ok := tok.(xml.CharData); ok {
		if parent != nil && len(t) > 0 { // xmltok allows only white space outside the root
			r.addText(t)
		}
		return nil
	}
	if r.runs > 0 {
		parent.kids = append(parent.kids, node{text: r.endRun()})
	}
	switch t := tok.(type) {
	case xml.StartElement:
		r.elements++
		if r.elements > r.lim.MaxElements {
			return fmt.Errorf("%w: more than %d elements", ErrMalformed, r.lim.MaxElements)
		}
		el := r.start(t)
		el.size = r.before // the start; made the size at the end tag
		if parent == nil {
			r.root = el // xmltok refuses a second root
		} else {
			parent.kids = append(parent.kids, node{el: el})
		}
		r.stack = append(r.stack, el)
	case xml.EndElement:
		el := r.stack[len(r.stack)-1]
		el.size = int(r.d.InputOffset()) - el.size
		if el.x != nil {
			for _, d := range el.x.decls {
				s := r.scope[d.prefix()]
				r.scope[d.prefix()] = s[:len(s)-1]
			}
		}
		r.stack = r.stack[:len(r.stack)-1]
	case xml.Comment:
		if parent != nil {
			parent.ext().comment = true
		}
	case xml.ProcInst:
		if parent != nil {
			parent.ext().procInst = true
		}
	case xml.Directive:
		return fmt.Errorf("%w: DTDs and other directives are not allowed", ErrMalformed)
	}
	return nil
}

// start makes the element of a start tag.
func (r *treeReader) start(t xml.StartElement) *element {
	el := &element{ns: t.Name.Space, local: t.Name.Local}
	if len(t.Attr) == 0 {
		r.usePrefix(el)
		return el
	}
	x := el.ext()
	x.attrs = t.Attr
	// The default namespace is said by the element's own namespace; xml:
	// is always bound and never rendered.
	prefixed := func(a xml.Attr) bool { return a.Name.Space == "xmlns" && a.Name.Local != "xml" }
	n := 0
	for _, a := range t.Attr {
		if prefixed(a) {
			n++
		}
	}
	if n > 0 {
		x.decls = make([]nsDecl, 0, n) // sized once: a tag may carry hundreds
		for i := range t.Attr {
			if prefixed(t.Attr[i]) {
				x.decls = append(x.decls, nsDecl{attr: &t.Attr[i]})
			}
		}
	}
	if len(x.decls) > 0 {
		if r.scope == nil {
			r.scope = map[string][]*nsDecl{}
		}
		for i := range x.decls { // the slice is complete: pointers into it stay valid
			d := &x.decls[i]
			r.scope[d.prefix()] = append(r.scope[d.prefix()], d)
		}
	}
	r.usePrefix(el)
	return el
}

// usePrefix marks the declaration of the prefix el is written with as used
// by an element name.
func (r *treeReader) usePrefix(el *element) {
	if p := r.d.ElementPrefix(); p != "" {
		if s := r.scope[p]; len(s) > 0 { // empty only for xml:, which is never declared
			s[len(s)-1].elementUse = true
		}
	}
}

// addText adds a token to the text run.
func (r *treeReader) addText(t []byte) {
	r.runs++
	switch r.runs {
	case 1:
		r.run = t
		return
	case 2:
		r.runBuf = append(r.runBuf[:0], r.run...)
	}
	r.runBuf = append(r.runBuf, t...)
}

// endRun returns the text run as a string and starts a new one.
func (r *treeReader) endRun() string {
	t := r.run
	if r.runs > 1 {
		t = r.runBuf
	}
	r.runs, r.run = 0, nil
	return r.text(t)
}

// text converts character data, sharing short runs of white space.
func (r *treeReader) text(t []byte) string {
	if len(t) > maxSharedSpaceLen || len(bytes.TrimLeft(t, " \t\n")) > 0 {
		return string(t)
	}
	if s, ok := r.space[string(t)]; ok {
		return s
	}
	s := string(t)
	if r.space == nil {
		r.space = map[string]string{}
	}
	if len(r.space) < maxSharedSpaces {
		r.space[s] = s
	}
	return s
}
