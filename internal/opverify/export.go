package opverify

import "strings"

// sink is where export writes: a strings.Builder, or a buffered writer
// into a hash, so that a large signed element is digested without being
// held in memory.
type sink interface {
	WriteString(string) (int, error)
	WriteByte(byte) error
}

// export writes el as the operator's verifier digests it: xmerl_c14n's
// remove_xmlns_prefixes, then xmerl's export_simple with the xmerl_xml
// callback, without the XML declaration. It is written here from what
// those functions do, not from any canonicaliser of the SDK:
//   - a prefixed element loses its prefix and carries xmlns="its
//     namespace" where that differs from the namespace its nearest
//     prefixed ancestor gave (at the top: always); an unprefixed element
//     keeps its name and attributes, a default xmlns among them, and
//     passes on what it was given;
//   - every xmlns:p declaration is dropped; other attributes stay, in
//     document order, with their qualified names;
//   - an element with no content at all is written with start and end tag
//     (the verifier's c14n_tags gives it an empty text); one that holds
//     only comments or processing instructions is written <name/>, since
//     the export drops both and xmerl_xml writes empty content so;
//   - text escapes &, < and >; attribute values &, < and ".
//
// skip, when not nil, is left out (the signature children of the signed
// element). The rename of deliverSecure is done by the caller, through
// top: the name and namespace to write el with.
func export(b sink, el *node, parentNS string, top *node, skip func(*node) bool) (f found) {
	name, uri, prefixed := el.local, el.uri, el.prefix != ""
	if top != nil {
		name, uri, prefixed = top.local, top.uri, top.prefix != ""
	}
	b.WriteByte('<')
	b.WriteString(name)
	childNS := parentNS
	if prefixed {
		childNS = uri
		if uri != parentNS {
			b.WriteString(` xmlns="`)
			attrValue(b, uri)
			b.WriteByte('"')
		}
	}
	for _, a := range el.attrs {
		if a.isDecl() {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(a.qname())
		b.WriteString(`="`)
		attrValue(b, a.value)
		b.WriteByte('"')
	}
	writable := false
	for _, k := range el.kids {
		if k.text || skip == nil || !skip(k) {
			writable = true
			break
		}
	}
	f.pi = el.pis
	if !writable && el.others {
		// Only comments or processing instructions are left: the export
		// writes neither, its content is empty, and xmerl_xml writes an
		// empty-element tag.
		b.WriteString("/>")
		return f
	}
	// An element left with no content at all got an empty text from
	// c14n_tags, and is written with start and end tag.
	b.WriteByte('>')
	for _, k := range el.kids {
		switch {
		case k.text:
			text(b, k.data)
			f.cr = f.cr || k.crToLF
		case skip == nil || !skip(k):
			g := export(b, k, childNS, nil, nil)
			f.cr, f.pi = f.cr || g.cr, f.pi || g.pi
		}
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
	return f
}

// found is what export met that decides the verifier's outcome.
type found struct {
	// cr: a text held a carriage return that xmerl read as a line feed.
	cr bool
	// pi: a processing instruction, which the operator's prefix stripping
	// crashes on.
	pi bool
}

// text writes s as xmerl_lib's export_text does: &, < and > escaped.
func text(b sink, s string) { escape(b, s, "&<>") }

// attrValue writes s as xmerl_lib's export_attribute does: &, < and "
// escaped.
func attrValue(b sink, s string) { escape(b, s, `&<"`) }

var entities = map[byte]string{'&': "&amp;", '<': "&lt;", '>': "&gt;", '"': "&quot;"}

func escape(b sink, s, special string) {
	for {
		i := strings.IndexAny(s, special)
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteString(entities[s[i]])
		s = s[i+1:]
	}
}
