package canon

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// isXMLText reports whether s holds only characters XML can carry.
func isXMLText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !(r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// FuzzWriterRoundTrip writes an element with a namespace name, a prefixed
// declaration, an attribute value and text taken from the fuzzer, and
// reads the bytes back with encoding/xml, an independent parser: it must
// see exactly what was written — one element, in that namespace, with
// that attribute and that text — whatever the strings hold.
func FuzzWriterRoundTrip(f *testing.F) {
	f.Add("urn:a", "urn:p", "v", "text")
	f.Add(`urn:x"><Recipient>198101052382</Recipient><x a="`, `"/><y `, "\"'<>&\t\n\r", "]]><!-- -->&amp;\r\n")
	f.Add("a&b", "&#x22;", "&quot;", "<![CDATA[x]]>")
	f.Fuzz(func(t *testing.T, ns, decl, value, text string) {
		if ns == "" || decl == "" || !isXMLText(ns) || !isXMLText(decl) || !isXMLText(value) || !isXMLText(text) {
			return
		}
		w := New(nil, "")
		w.OpenNS("A", ns, []string{"p", decl}, []string{"k", value})
		w.Text(text)
		w.Close("A")
		d := xml.NewDecoder(bytes.NewReader(w.Buf))
		d.Strict = true
		var starts int
		var got strings.Builder
		for {
			tok, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("encoding/xml refuses %q: %v", w.Buf, err)
				}
				break
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				starts++
				if tok.Name.Space != ns || tok.Name.Local != "A" {
					t.Fatalf("element {%s}%s, want {%s}A in %q", tok.Name.Space, tok.Name.Local, ns, w.Buf)
				}
				want := map[xml.Name]string{{Local: "xmlns"}: ns, {Space: "xmlns", Local: "p"}: decl, {Local: "k"}: value}
				if len(tok.Attr) != len(want) {
					t.Fatalf("attributes %v in %q", tok.Attr, w.Buf)
				}
				for _, a := range tok.Attr {
					if v, ok := want[a.Name]; !ok || v != a.Value {
						t.Fatalf("attribute %v = %q in %q", a.Name, a.Value, w.Buf)
					}
				}
			case xml.CharData:
				got.Write(tok)
			}
		}
		if starts != 1 || got.String() != text {
			t.Fatalf("%d elements, text %q, want 1 and %q, in %q", starts, got.String(), text, w.Buf)
		}
	})
}
