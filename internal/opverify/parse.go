package opverify

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what parse reads, so that hostile input costs bounded time and
// memory. Every step below is linear in the input.
const (
	// MaxBytes is the largest request read (a delivery is at most 2 MB of
	// message on the wire).
	MaxBytes = 16 << 20
	maxDepth = 256
	// maxAttrs bounds the attributes of one element; the profile's
	// elements have at most two.
	maxAttrs    = 256
	maxElements = 1 << 20
)

// parse reads doc as xmerl_scan does with namespace_conformant: well-formed
// XML 1.0 in UTF-8 with namespaces, every prefix declared. Where xmerl
// departs from the XML specification in a way the verifier's outcome
// depends on, parse follows xmerl: a &#xD; reference in text is read as a
// line feed. DTDs are refused.
func parse(doc []byte) (*node, error) {
	if len(doc) > MaxBytes {
		return nil, malformed("the request is %d bytes, more than %d", len(doc), MaxBytes)
	}
	if !utf8.Valid(doc) {
		return nil, malformed("not UTF-8")
	}
	for i, c := range doc {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return nil, malformed("byte %#x at offset %d is not an XML character", c, i)
		}
	}
	p := &parser{b: bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf")), ns: map[string][]string{"xml": {nsXML}}}
	if err := p.document(); err != nil {
		return nil, err
	}
	return p.root, nil
}

const nsXML = "http://www.w3.org/XML/1998/namespace"

type parser struct {
	b        []byte
	pos      int
	root     *node
	cur      *node // the innermost open element
	depth    int
	elements int
	ns       map[string][]string // prefix ("" for the default) → URIs, innermost last
	declared [][]string          // per open element, the prefixes it declared
}

func (p *parser) errorf(format string, a ...any) error {
	return malformed("at offset %d: %s", p.pos, fmt.Sprintf(format, a...))
}

func (p *parser) document() error {
	for p.pos < len(p.b) {
		i := bytes.IndexByte(p.b[p.pos:], '<')
		if i < 0 {
			i = len(p.b) - p.pos
		}
		if p.cur != nil {
			if err := p.text(p.pos + i); err != nil {
				return err
			}
		} else if len(bytes.Trim(p.b[p.pos:p.pos+i], " \t\r\n")) > 0 {
			return p.errorf("text outside the root element")
		}
		p.pos += i
		if p.pos >= len(p.b) {
			break
		}
		if err := p.markup(); err != nil {
			return err
		}
	}
	if p.root == nil {
		return malformed("no root element")
	}
	if p.cur != nil {
		return malformed("element %s is not closed", p.cur.qname())
	}
	return nil
}

// markup reads what starts at the '<' at p.pos.
func (p *parser) markup() error {
	rest := p.b[p.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		if err := p.skipTo("<!--", "-->", "comment"); err != nil {
			return err
		}
		if p.cur != nil {
			// xmerl skips the white space that follows a comment in
			// content: it is in no text node.
			p.space()
		}
	case bytes.HasPrefix(rest, []byte("<?")):
		if err := p.skipTo("<?", "?>", "processing instruction"); err != nil {
			return err
		}
		if p.cur != nil {
			p.cur.pis = true
		}
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		if p.cur == nil {
			return p.errorf("CDATA outside the root element")
		}
		end := bytes.Index(rest[9:], []byte("]]>"))
		if end < 0 {
			return p.errorf("CDATA section not closed")
		}
		data, _ := lineEnds(rest[9 : 9+end])
		p.cur.kids = append(p.cur.kids, &node{text: true, data: data, isCDATA: true})
		p.pos += 9 + end + 3
	case bytes.HasPrefix(rest, []byte("<!")):
		return p.errorf("DTDs and other declarations are not accepted")
	case bytes.HasPrefix(rest, []byte("</")):
		return p.endTag()
	default:
		return p.startTag()
	}
	return nil
}

// skipTo passes a comment or processing instruction, which starts with
// open at p.pos and ends with end, and notes it in the open element.
func (p *parser) skipTo(open, end, what string) error {
	i := bytes.Index(p.b[p.pos+len(open):], []byte(end))
	if i < 0 {
		return p.errorf("%s not closed", what)
	}
	p.pos += len(open) + i + len(end)
	if p.cur != nil {
		p.cur.others = true
	}
	return nil
}

func (p *parser) startTag() error {
	if p.cur == nil && p.root != nil {
		return p.errorf("a second root element")
	}
	p.pos++
	qn, err := p.name()
	if err != nil {
		return err
	}
	n := &node{parent: p.cur}
	if n.prefix, n.local, err = splitQName(qn); err != nil {
		return p.errorf("%v", err)
	}
	for {
		sp := p.space()
		if p.pos >= len(p.b) {
			return p.errorf("start tag of %s not closed", qn)
		}
		if c := p.b[p.pos]; c == '>' || c == '/' {
			break
		}
		if !sp {
			return p.errorf("no space before an attribute of %s", qn)
		}
		a, err := p.attribute()
		if err != nil {
			return err
		}
		if len(n.attrs) == maxAttrs {
			return p.errorf("element %s has more than %d attributes", qn, maxAttrs)
		}
		n.attrs = append(n.attrs, a)
	}
	empty := p.b[p.pos] == '/'
	if empty {
		if p.pos+1 >= len(p.b) || p.b[p.pos+1] != '>' {
			return p.errorf("'/' not followed by '>' in %s", qn)
		}
		p.pos++
	}
	p.pos++
	if err := p.open(n); err != nil {
		return err
	}
	if empty {
		p.close()
	}
	return nil
}

// open checks n's attributes, resolves its namespaces and makes it the
// innermost open element.
func (p *parser) open(n *node) error {
	p.elements++
	if p.elements > maxElements {
		return p.errorf("more than %d elements", maxElements)
	}
	if p.depth == maxDepth {
		return p.errorf("elements nest deeper than %d", maxDepth)
	}
	if err := uniqueAttrs(n.attrs); err != nil {
		return p.errorf("element %s: %v", n.qname(), err)
	}
	var declared []string
	scope := (*binding)(nil)
	if n.parent != nil {
		scope = n.parent.scope
	}
	for _, a := range n.attrs {
		switch {
		case a.prefix == "xmlns":
			if a.value == "" {
				return p.errorf("xmlns:%s is empty", a.local)
			}
			if a.local == "xmlns" || (a.local == "xml") != (a.value == nsXML) {
				return p.errorf("xmlns:%s may not be declared as %q", a.local, a.value)
			}
			declared = append(declared, a.local)
			p.ns[a.local] = append(p.ns[a.local], a.value)
			scope = &binding{prefix: a.local, uri: a.value, next: scope}
		case a.prefix == "" && a.local == "xmlns":
			declared = append(declared, "")
			p.ns[""] = append(p.ns[""], a.value)
		}
	}
	p.declared = append(p.declared, declared)
	n.scope = scope
	if n.prefix == "xmlns" {
		return p.errorf("element %s uses the xmlns prefix", n.qname())
	}
	uris := p.ns[n.prefix]
	if n.prefix != "" && len(uris) == 0 {
		return p.errorf("prefix %s of %s is not declared", n.prefix, n.qname())
	}
	if len(uris) > 0 {
		n.uri = uris[len(uris)-1]
	}
	for _, a := range n.attrs {
		if a.prefix != "" && a.prefix != "xmlns" && len(p.ns[a.prefix]) == 0 {
			return p.errorf("prefix %s of attribute %s is not declared", a.prefix, a.qname())
		}
	}
	if p.cur == nil {
		p.root = n
	} else {
		p.cur.kids = append(p.cur.kids, n)
	}
	p.cur = n
	p.depth++
	return nil
}

// close ends the innermost open element and its declarations' scope.
func (p *parser) close() {
	for _, pre := range p.declared[len(p.declared)-1] {
		s := p.ns[pre]
		p.ns[pre] = s[:len(s)-1]
	}
	p.declared = p.declared[:len(p.declared)-1]
	p.cur = p.cur.parent
	p.depth--
}

func (p *parser) endTag() error {
	p.pos += 2
	qn, err := p.name()
	if err != nil {
		return err
	}
	p.space()
	if p.pos >= len(p.b) || p.b[p.pos] != '>' {
		return p.errorf("end tag of %s not closed", qn)
	}
	p.pos++
	if p.cur == nil || p.cur.qname() != qn {
		return p.errorf("end tag %s closes nothing open", qn)
	}
	p.close()
	return nil
}

// uniqueAttrs refuses two attributes with one qualified name, in time
// linear in their number.
func uniqueAttrs(attrs []attr) error {
	if len(attrs) <= 8 {
		for i := range attrs {
			for j := i + 1; j < len(attrs); j++ {
				if attrs[i].qname() == attrs[j].qname() {
					return fmt.Errorf("attribute %s appears twice", attrs[i].qname())
				}
			}
		}
		return nil
	}
	seen := make(map[string]bool, len(attrs))
	for _, a := range attrs {
		if seen[a.qname()] {
			return fmt.Errorf("attribute %s appears twice", a.qname())
		}
		seen[a.qname()] = true
	}
	return nil
}

func (p *parser) attribute() (attr, error) {
	qn, err := p.name()
	if err != nil {
		return attr{}, err
	}
	var a attr
	if a.prefix, a.local, err = splitQName(qn); err != nil {
		return attr{}, p.errorf("%v", err)
	}
	p.space()
	if p.pos >= len(p.b) || p.b[p.pos] != '=' {
		return attr{}, p.errorf("attribute %s has no value", qn)
	}
	p.pos++
	p.space()
	if p.pos >= len(p.b) || (p.b[p.pos] != '"' && p.b[p.pos] != '\'') {
		return attr{}, p.errorf("value of %s is not quoted", qn)
	}
	q := p.b[p.pos]
	end := bytes.IndexByte(p.b[p.pos+1:], q)
	if end < 0 {
		return attr{}, p.errorf("value of %s not closed", qn)
	}
	raw := p.b[p.pos+1 : p.pos+1+end]
	if bytes.IndexByte(raw, '<') >= 0 {
		return attr{}, p.errorf("'<' in the value of %s", qn)
	}
	v, _, err := decode(raw, true)
	if err != nil {
		return attr{}, p.errorf("value of %s: %v", qn, err)
	}
	a.value = v
	p.pos += end + 2
	return a, nil
}

// text reads character data up to end into the open element.
func (p *parser) text(end int) error {
	raw := p.b[p.pos:end]
	if len(raw) == 0 {
		return nil
	}
	if bytes.Contains(raw, []byte("]]>")) {
		return p.errorf("']]>' in text")
	}
	data, cr, err := decode(raw, false)
	if err != nil {
		return p.errorf("%v", err)
	}
	p.cur.kids = append(p.cur.kids, &node{text: true, data: data, crToLF: cr})
	return nil
}

// name reads an XML name (checked loosely: the verifier's outcome does not
// depend on which characters a name holds).
func (p *parser) name() (string, error) {
	start := p.pos
	for p.pos < len(p.b) && !strings.ContainsRune(" \t\r\n/>=<\"'&", rune(p.b[p.pos])) {
		p.pos++
	}
	n := p.b[start:p.pos]
	if len(n) == 0 || strings.ContainsRune("-.0123456789", rune(n[0])) {
		return "", p.errorf("%q is not a name", head(n))
	}
	return string(n), nil
}

func (p *parser) space() bool {
	start := p.pos
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
			continue
		}
		break
	}
	return p.pos > start
}

func splitQName(qn string) (prefix, local string, err error) {
	i := strings.IndexByte(qn, ':')
	if i < 0 {
		return "", qn, nil
	}
	prefix, local = qn[:i], qn[i+1:]
	if prefix == "" || local == "" || strings.IndexByte(local, ':') >= 0 {
		return "", "", fmt.Errorf("%q is not a qualified name", head([]byte(qn)))
	}
	return prefix, local, nil
}

func head(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
