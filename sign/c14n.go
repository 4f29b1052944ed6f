package sign

import (
	"cmp"
	"encoding/xml"
	"slices"
	"strings"

	"github.com/avsandare/mm/internal/canon"
)

// c14nMode is the canonicalisation a signature's transform list states.
type c14nMode uint8

const (
	// exclusive is Exclusive XML Canonicalization 1.0 without comments:
	// the transform list [enveloped-signature, exc-c14n], and every
	// SignedInfo (CanonicalizationMethod exc-c14n is the only one allowed).
	exclusive c14nMode = iota
	// inclusive is Canonical XML 1.0 without comments, which XML-DSig
	// §4.3.3.2 applies to the node-set the transform list
	// [enveloped-signature] leaves.
	inclusive
)

func (m c14nMode) String() string {
	if m == inclusive {
		return "Canonical XML 1.0 (inclusive)"
	}
	return "exclusive C14N"
}

// canonicaliser writes the canonical form of a prefix-free tree from
// parseTree, as a standalone document whose root is the element written:
// nothing is inherited from the element's ancestors (SPEC §4, quirk 2: each
// level was signed as its own document).
//
// On such a tree the two canonicalisations differ only in the declarations
// that survive prefix stripping (element.keptDecls): no element name uses
// them and the profile refuses namespaced attributes, so exclusive C14N
// never finds them visibly utilised and drops them, while inclusive C14N
// writes each where it is not already in scope with the same value. The
// rest is what canon.Writer writes for both: a default xmlns where an
// element's namespace differs from its parent's, attributes in canonical
// order, text and values escaped, comments dropped (the profile refuses
// comments and processing instructions in signed content, and namespaced
// attributes other than xml:*, so none reaches here).
//
// The signer writes the same forms through the same canon.Writer, so the
// bytes signed and the bytes checked come from one definition; the tests
// hold it against goxmldsig's canonicalisers and xmlsec1 as independent
// references.
type canonicaliser struct {
	w    *canon.Writer
	mode c14nMode
	// sig is written in exclusive form whatever the mode, and its byte
	// range recorded in sigStart and sigEnd, so that the enveloped
	// signature can be cut out of the form that carries it; with omitSig
	// it is not written at all (the range is then empty).
	sig              *element
	omitSig          bool
	sigStart, sigEnd int
	scope            map[string][]string // inclusive: prefix → declarations written in scope, innermost last
	pushed           []string            // prefixes pushed on scope, for all open elements
	attrs            []xml.Attr          // scratch
	pairs, decls     []string            // scratch
	sorted           []nsDecl            // scratch
}

// appendCanonical appends the canonical form of el under mode to dst.
// When sig is one of el's descendants, it is written in exclusive form and
// its range returned, or left out with omitSig.
func appendCanonical(dst []byte, el *element, mode c14nMode, sig *element, omitSig bool) (out []byte, sigStart, sigEnd int) {
	c := canonicaliser{w: canon.New(dst, ""), mode: mode, sig: sig, omitSig: omitSig, sigStart: -1, sigEnd: -1}
	c.write(el, mode)
	return c.w.Buf, c.sigStart, c.sigEnd
}

// cut returns b without b[i:j], in a new slice.
func cut(b []byte, i, j int) []byte {
	out := make([]byte, 0, len(b)-(j-i))
	return append(append(out, b[:i]...), b[j:]...)
}

func (c *canonicaliser) write(el *element, mode c14nMode) {
	if el == c.sig {
		mode = exclusive
		c.sigStart = len(c.w.Buf)
		if c.omitSig {
			c.sigEnd = c.sigStart
			return
		}
	}
	mark := len(c.pushed)
	c.w.OpenNS(el.local, el.ns, c.renderedDecls(el, mode), c.sortedAttrs(el))
	for _, k := range el.kids {
		if k.el == nil {
			c.w.Text(k.text)
		} else {
			c.write(k.el, mode)
		}
	}
	c.w.Close(el.local)
	for _, p := range c.pushed[mark:] {
		c.scope[p] = c.scope[p][:len(c.scope[p])-1]
	}
	c.pushed = c.pushed[:mark]
	if el == c.sig {
		c.sigEnd = len(c.w.Buf)
	}
}

// renderedDecls returns the prefixed declarations el renders as prefix,
// namespace pairs sorted by prefix, and puts them in scope: under inclusive
// C14N those that survive prefix stripping and are not in scope already
// with the same value; under exclusive C14N none.
func (c *canonicaliser) renderedDecls(el *element, mode c14nMode) []string {
	if mode != inclusive || el.x == nil || len(el.x.decls) == 0 {
		return nil
	}
	c.sorted = c.sorted[:0]
	for d := range el.keptDecls() {
		if s := c.scope[d.prefix()]; len(s) > 0 && s[len(s)-1] == d.uri() {
			continue // in scope with this value: not rendered again
		}
		c.sorted = append(c.sorted, *d)
	}
	slices.SortFunc(c.sorted, func(a, b nsDecl) int { return cmp.Compare(a.prefix(), b.prefix()) })
	if c.scope == nil && len(c.sorted) > 0 {
		c.scope = map[string][]string{}
	}
	c.decls = c.decls[:0]
	for _, d := range c.sorted {
		c.scope[d.prefix()] = append(c.scope[d.prefix()], d.uri())
		c.pushed = append(c.pushed, d.prefix())
		c.decls = append(c.decls, d.prefix(), d.uri())
	}
	return c.decls
}

// sortedAttrs returns el's attributes as name, value pairs in canonical
// order: by namespace, then local name — the unqualified ones first, then
// those in the xml namespace, the only other namespace signed content may
// use (checkSignedContent refuses the rest before anything is written).
func (c *canonicaliser) sortedAttrs(el *element) []string {
	attrs := el.attrs()
	c.attrs = c.attrs[:0]
	for _, a := range attrs {
		if !isDecl(a) {
			c.attrs = append(c.attrs, a)
		}
	}
	if len(c.attrs) == 0 {
		return nil
	}
	slices.SortFunc(c.attrs, func(a, b xml.Attr) int {
		if a.Name.Space != b.Name.Space {
			return strings.Compare(a.Name.Space, b.Name.Space)
		}
		return strings.Compare(a.Name.Local, b.Name.Local)
	})
	c.pairs = c.pairs[:0]
	for _, a := range c.attrs {
		name := a.Name.Local
		if a.Name.Space == xmlNS {
			name = "xml:" + a.Name.Local
		}
		c.pairs = append(c.pairs, name, a.Value)
	}
	return c.pairs
}
