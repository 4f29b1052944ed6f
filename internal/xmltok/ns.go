package xmltok

import "encoding/xml"

const (
	xmlURL   = "http://www.w3.org/XML/1998/namespace"
	xmlnsURL = "http://www.w3.org/2000/xmlns/"
)

// binding is one namespace declaration in scope.
type binding struct {
	prefix string // "" for the default namespace
	uri    string
	prev   int // index of the binding of the same prefix this one hides, or -1
}

// scopeScanMax is how many bindings are searched one by one before the
// index is used: typical documents declare a handful of prefixes, where a
// scan beats hashing, but a hostile one may declare thousands.
const scopeScanMax = 16

// scope holds the namespace declarations in scope, innermost last. Lookups
// cost O(1) however many prefixes are declared, so that no document makes
// resolution quadratic.
type scope struct {
	b     []binding
	index map[string]int // prefix → index in b of its innermost binding
}

func (s *scope) lookup(prefix []byte) (string, bool) {
	if len(s.b) <= scopeScanMax {
		for i := len(s.b) - 1; i >= 0; i-- {
			if s.b[i].prefix == string(prefix) {
				return s.b[i].uri, true
			}
		}
		return "", false
	}
	if i, ok := s.index[string(prefix)]; ok {
		return s.b[i].uri, true
	}
	return "", false
}

func (s *scope) push(prefix, uri string) {
	prev := -1
	if s.index != nil {
		if i, ok := s.index[prefix]; ok {
			prev = i
		}
	} else {
		for i := len(s.b) - 1; i >= 0; i-- {
			if s.b[i].prefix == prefix {
				prev = i
				break
			}
		}
	}
	s.b = append(s.b, binding{prefix: prefix, uri: uri, prev: prev})
	switch {
	case s.index != nil:
		s.index[prefix] = len(s.b) - 1
	case len(s.b) > scopeScanMax:
		// Build the index only once a document needs it.
		s.index = make(map[string]int, 2*len(s.b))
		for i, b := range s.b {
			s.index[b.prefix] = i
		}
	}
}

// popTo removes the bindings from mark on, restoring those they hid.
func (s *scope) popTo(mark int) {
	if s.index != nil {
		for i := len(s.b) - 1; i >= mark; i-- {
			if b := s.b[i]; b.prev >= 0 {
				s.index[b.prefix] = b.prev
			} else {
				delete(s.index, b.prefix)
			}
		}
	}
	clear(s.b[mark:]) // drop references to the strings
	s.b = s.b[:mark]
}

// declare applies a, if it is a namespace declaration, to the scope,
// refusing what Namespaces in XML 1.0 forbids and encoding/xml lets pass.
func (d *Decoder) declare(a *rawAttr) error {
	qn := a.qname(d.data)
	if !isDeclaration(qn, a.colon) {
		return nil
	}
	var prefix string // the default namespace's
	if a.colon >= 0 {
		prefix = d.intern(qn[a.colon+1:])
	}
	switch {
	case prefix == "xml":
		if a.value != xmlURL {
			return d.failRule(ruleNamespace, a.off, "prefix xml bound to %q", a.value)
		}
		return nil // always bound; see resolve
	case prefix == "xmlns":
		return d.failRule(ruleNamespace, a.off, "prefix xmlns declared")
	case a.value == xmlURL || a.value == xmlnsURL:
		return d.failRule(ruleNamespace, a.off, "reserved namespace %s bound to %s", a.value, qn)
	case prefix != "" && a.value == "":
		return d.failRule(ruleNamespace, a.off, "prefix %s bound to the empty namespace name", prefix)
	case prefix != "" && a.value == "xmlns":
		// Resolved names mark declarations with the Space "xmlns": an
		// attribute in a namespace of that name would pass for one.
		return d.failRule(ruleNamespace, a.off, "prefix %s bound to the namespace name xmlns, which resolved names cannot tell from a declaration", prefix)
	}
	d.ns.push(prefix, a.value)
	return nil
}

// resolve returns the name encoding/xml's Token gives the qualified name
// qn: for elements the Space is the namespace URI (default namespace
// included), for attributes only prefixed names get one. Namespace
// declarations keep Space "xmlns" (xmlns:p) or "" (xmlns), as in
// encoding/xml. Where encoding/xml leaves an undeclared prefix as the
// Space, resolve refuses it.
func (d *Decoder) resolve(off int, qn []byte, colon int, element bool) (xml.Name, error) {
	if colon < 0 {
		if !element {
			return xml.Name{Local: d.intern(qn)}, nil
		}
		if string(qn) == "xmlns" {
			// encoding/xml leaves such an element out of the default
			// namespace; refusing it is simpler than copying that.
			return xml.Name{}, d.failRule(ruleNamespace, off, "element named xmlns")
		}
		uri, _ := d.ns.lookup(nil)
		return xml.Name{Space: uri, Local: d.intern(qn)}, nil
	}
	prefix, local := qn[:colon], d.intern(qn[colon+1:])
	switch string(prefix) {
	case "xml":
		return xml.Name{Space: xmlURL, Local: local}, nil
	case "xmlns":
		if element {
			return xml.Name{}, d.failRule(ruleNamespace, off, "element <%s> has the reserved prefix xmlns", qn)
		}
		return xml.Name{Space: "xmlns", Local: local}, nil
	}
	uri, ok := d.ns.lookup(prefix)
	if !ok {
		return xml.Name{}, d.failRule(ruleNamespace, off, "undeclared namespace prefix %s in %s", prefix, qn)
	}
	return xml.Name{Space: uri, Local: local}, nil
}

// dupScanMax is how many attributes are compared pairwise before a set is
// used, which keeps a start tag with thousands of attributes linear.
const dupScanMax = 16

// checkDuplicates refuses two attributes of d.raw with the same resolved
// name; encoding/xml checks for none, not even two spelt alike.
func (d *Decoder) checkDuplicates() error {
	raw := d.raw
	if len(raw) <= dupScanMax {
		for i := 1; i < len(raw); i++ {
			for j := range i {
				if raw[i].name == raw[j].name {
					return d.dupAttr(&raw[i])
				}
			}
		}
		return nil
	}
	// One set serves every start tag: clearing keeps its buckets, and it
	// never holds more than MaxAttrs names.
	if d.seen == nil {
		d.seen = make(map[xml.Name]struct{}, len(raw))
	}
	clear(d.seen)
	for i := range raw {
		if _, ok := d.seen[raw[i].name]; ok {
			return d.dupAttr(&raw[i])
		}
		d.seen[raw[i].name] = struct{}{}
	}
	return nil
}

func (d *Decoder) dupAttr(a *rawAttr) error {
	return d.failRule(ruleDuplicateAttr, a.off, "duplicate attribute %s", a.qname(d.data))
}
