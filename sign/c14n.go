package sign

import (
	"cmp"
	"slices"

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
	// signature can be cut out of the form that carries it.
	sig              *element
	sigStart, sigEnd int
	scope            map[string][]string // inclusive: prefix → declarations written in scope, innermost last
	attrs            []attr              // scratch
	pairs, decls     []string            // scratch
}

// appendCanonical appends the canonical form of el under mode to dst.
// When sig is one of el's descendants, it is written in exclusive form and
// its range returned.
func appendCanonical(dst []byte, el *element, mode c14nMode, sig *element) (out []byte, sigStart, sigEnd int) {
	c := canonicaliser{w: canon.New(dst, ""), mode: mode, sig: sig, sigStart: -1, sigEnd: -1}
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
	}
	var pushed []string
	c.decls = c.decls[:0]
	if mode == inclusive {
		for _, d := range el.keptDecls() {
			if s := c.scope[d.prefix]; len(s) > 0 && s[len(s)-1] == d.uri {
				continue // already in scope with this value: not rendered again
			}
			if c.scope == nil {
				c.scope = map[string][]string{}
			}
			c.scope[d.prefix] = append(c.scope[d.prefix], d.uri)
			pushed = append(pushed, d.prefix)
			c.decls = append(c.decls, d.prefix, d.uri)
		}
		sortPairs(c.decls)
	}
	c.w.OpenNS(el.local, el.ns, c.decls, c.sortedAttrs(el))
	for _, k := range el.kids {
		if k.el == nil {
			c.w.Text(k.text)
		} else {
			c.write(k.el, mode)
		}
	}
	c.w.Close(el.local)
	for _, p := range pushed {
		c.scope[p] = c.scope[p][:len(c.scope[p])-1]
	}
	if el == c.sig {
		c.sigEnd = len(c.w.Buf)
	}
}

// sortedAttrs returns el's attributes as name, value pairs in canonical
// order: by namespace, then local name — the unqualified ones first, then
// those in the xml namespace, the only other namespace signed content may
// use (checkSignedContent refuses the rest before anything is written).
func (c *canonicaliser) sortedAttrs(el *element) []string {
	attrs := el.attrs()
	if len(attrs) == 0 {
		return nil
	}
	c.attrs = append(c.attrs[:0], attrs...)
	slices.SortFunc(c.attrs, func(a, b attr) int {
		return cmp.Or(cmp.Compare(a.space, b.space), cmp.Compare(a.local, b.local))
	})
	c.pairs = c.pairs[:0]
	for _, a := range c.attrs {
		name := a.local
		if a.space == xmlNS {
			name = "xml:" + a.local
		}
		c.pairs = append(c.pairs, name, a.value)
	}
	return c.pairs
}

// sortPairs sorts prefix, value pairs by prefix.
func sortPairs(p []string) {
	if len(p) <= 2 {
		return
	}
	type pair struct{ k, v string }
	ps := make([]pair, 0, len(p)/2)
	for i := 0; i+1 < len(p); i += 2 {
		ps = append(ps, pair{p[i], p[i+1]})
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.k, b.k) })
	for i, x := range ps {
		p[2*i], p[2*i+1] = x.k, x.v
	}
}
