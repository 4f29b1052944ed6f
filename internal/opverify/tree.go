package opverify

// node is an element or a run of text of the tree the parser builds, the
// part of xmerl's #xmlElement and #xmlText records the verifier reads.
type node struct {
	// Element fields.
	prefix string // as written; "" when unprefixed
	local  string
	// uri is the element's namespace, resolved with the default namespace
	// too. xmerl's namespace-uri() gives an unprefixed element none at
	// all: see nsURI.
	uri    string
	attrs  []attr // in document order, namespace declarations included
	scope  *binding
	parent *node
	kids   []*node
	// others is set when the element held comments or processing
	// instructions, which the tree leaves out but which make xmerl's
	// content list non-empty; pis when it held processing instructions,
	// which the operator's prefix stripping has no case for.
	others, pis bool

	// Text fields.
	text    bool
	data    string
	crToLF  bool // a &#xD; reference was read as a line feed here
	isCDATA bool
}

// attr is an attribute as written: a qualified name and its value.
type attr struct{ prefix, local, value string }

func (a attr) qname() string {
	if a.prefix == "" {
		return a.local
	}
	return a.prefix + ":" + a.local
}

// isDecl reports whether a declares a prefixed namespace (xmlns:p), the
// attributes xmerl's prefix stripping drops.
func (a attr) isDecl() bool { return a.prefix == "xmlns" }

// binding is one xmlns:p declaration in scope, innermost first: xmerl's
// #xmlNamespace.nodes of an element.
type binding struct {
	prefix, uri string
	next        *binding
}

// qname is the element's name as xmerl keeps it: prefix:local as written.
func (n *node) qname() string {
	if n.prefix == "" {
		return n.local
	}
	return n.prefix + ":" + n.local
}

// nsURI is what xmerl's XPath namespace-uri() gives the element: the
// namespace of its prefix, and nothing for an unprefixed element even in a
// default namespace. This is why the operator's verifier finds only
// prefixed Signature elements.
func (n *node) nsURI() string {
	if n.prefix == "" {
		return ""
	}
	return n.uri
}

// prefixFor returns the first prefix in scope on n bound to uri, as
// lists:keyfind finds it in the element's namespace nodes.
func (n *node) prefixFor(uri string) (string, bool) {
	seen := map[string]bool{}
	for b := n.scope; b != nil; b = b.next {
		if seen[b.prefix] {
			continue // shadowed by an inner declaration
		}
		seen[b.prefix] = true
		if b.uri == uri {
			return b.prefix, true
		}
	}
	return "", false
}

// walk calls f on n and every element below it, in document order, and
// stops early when f returns false.
func walk(n *node, f func(*node) bool) {
	stack := []*node{n}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(e) {
			return
		}
		for i := len(e.kids) - 1; i >= 0; i-- {
			if k := e.kids[i]; !k.text {
				stack = append(stack, k)
			}
		}
	}
}
