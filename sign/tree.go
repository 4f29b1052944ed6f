package sign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
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
}

// extra holds what most elements do not have.
type extra struct {
	attrs    []attr    // in document order, declarations excluded
	decls    []*nsDecl // prefixed declarations written on the element
	comment  bool      // a comment among the children
	procInst bool      // a processing instruction among the children
}

// attr is an attribute: space is "" for an unqualified one, xmlNS for
// xml:lang and kin, or any other namespace (refused in signed content).
type attr struct{ space, local, value string }

// nsDecl is a prefixed namespace declaration.
type nsDecl struct {
	prefix, uri string
	// elementUse: some element in the declaration's scope is written with
	// its prefix. Such a declaration is what a SOAP stack adds when it
	// prefixes a document, and goes with the prefixes.
	elementUse bool
}

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

func (el *element) attrs() []attr {
	if el.x == nil {
		return nil
	}
	return el.x.attrs
}

// attr returns the value of el's unqualified attribute local.
func (el *element) attr(local string) (string, bool) {
	for _, a := range el.attrs() {
		if a.space == "" && a.local == local {
			return a.value, true
		}
	}
	return "", false
}

// keptDecls returns the declarations of el that survive prefix stripping:
// those no element name uses. They are rendered as the canonicalisation
// the signature states requires (inclusive C14N writes them, exclusive
// drops them as unused).
func (el *element) keptDecls() []*nsDecl {
	if el.x == nil || len(el.x.decls) == 0 {
		return nil
	}
	var kept []*nsDecl
	for _, d := range el.x.decls {
		if !d.elementUse {
			kept = append(kept, d)
		}
	}
	return kept
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
		tok, err := r.d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
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
	switch t := tok.(type) {
	case xml.StartElement:
		r.elements++
		if r.elements > r.lim.MaxElements {
			return fmt.Errorf("%w: more than %d elements", ErrMalformed, r.lim.MaxElements)
		}
		el := r.start(t)
		if parent == nil {
			r.root = el // xmltok refuses a second root
		} else {
			parent.kids = append(parent.kids, node{el: el})
		}
		r.stack = append(r.stack, el)
	case xml.EndElement:
		el := r.stack[len(r.stack)-1]
		if el.x != nil {
			for _, d := range el.x.decls {
				s := r.scope[d.prefix]
				r.scope[d.prefix] = s[:len(s)-1]
			}
		}
		r.stack = r.stack[:len(r.stack)-1]
	case xml.CharData:
		if parent != nil { // xmltok allows only white space outside the root
			parent.kids = append(parent.kids, node{text: r.text(t)})
		}
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

// start makes the element of a start tag. Namespace declarations are told
// from attributes by their resolved names: xmltok gives xmlns:p the Space
// "xmlns" (and refuses a namespace of that name, which would look alike)
// and xmlns the Space "" — never an attribute named xmlns under another
// prefix, such as xml:xmlns or p:xmlns, which declares nothing.
func (r *treeReader) start(t xml.StartElement) *element {
	el := &element{ns: t.Name.Space, local: t.Name.Local}
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			// The default namespace: the element's own namespace says it.
		case a.Name.Space == "xmlns":
			if a.Name.Local == "xml" {
				continue // always bound; never rendered
			}
			d := &nsDecl{prefix: a.Name.Local, uri: a.Value}
			x := el.ext()
			x.decls = append(x.decls, d)
			if r.scope == nil {
				r.scope = map[string][]*nsDecl{}
			}
			r.scope[d.prefix] = append(r.scope[d.prefix], d)
		default:
			x := el.ext()
			x.attrs = append(x.attrs, attr{space: a.Name.Space, local: a.Name.Local, value: a.Value})
		}
	}
	if p := r.d.ElementPrefix(); p != "" {
		if s := r.scope[p]; len(s) > 0 { // empty only for xml:, which is never declared
			s[len(s)-1].elementUse = true
		}
	}
	return el
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
