package canon

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWriterNamespacesAndEscaping(t *testing.T) {
	t.Parallel()
	w := New(nil, "")
	w.Open("A", "urn:a")
	w.Leaf("B", "urn:a", "x & y < z > w\r\n")
	w.Open("C", "urn:c")
	w.Leaf("D", "urn:c", "")
	w.OptLeaf("E", "urn:c", "")
	w.OpenAttrs("F", "urn:a", "Algorithm", `a"b&c<d`+"\t\n\r")
	w.Close("F")
	w.Close("C")
	w.Open("G", "urn:a")
	w.Base64([]byte("hello"))
	w.Close("G")
	w.Open("H", "urn:a")
	w.MD5Hex([]byte("hello"))
	w.Close("H")
	w.Raw([]byte("<I></I>"))
	w.Close("A")
	want := `<A xmlns="urn:a"><B>x &amp; y &lt; z &gt; w&#xD;` + "\n" + `</B><C xmlns="urn:c"><D></D>` +
		`<F xmlns="urn:a" Algorithm="a&quot;b&amp;c&lt;d&#x9;&#xA;&#xD;"></F></C><G>aGVsbG8=</G>` +
		`<H>5D41402ABC4B2A76B9719D911017C592</H><I></I></A>`
	assert.Equal(t, want, string(w.Buf))
	assert.Equal(t, len(want), w.Len())
}

// TestEscapeByContext checks every byte either context escapes, in both:
// text and attribute values share one switch, and each must still leave
// the other's specials alone.
func TestEscapeByContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, text, attr string
	}{
		{"&", "&amp;", "&amp;"},
		{"<", "&lt;", "&lt;"},
		{">", "&gt;", ">"},
		{`"`, `"`, "&quot;"},
		{"'", "'", "'"},
		{"\t", "\t", "&#x9;"},
		{"\n", "\n", "&#xA;"},
		{"\r", "&#xD;", "&#xD;"},
		{"plain åäö", "plain åäö", "plain åäö"},
		{"a>b\"c\td&e", "a&gt;b\"c\td&amp;e", "a>b&quot;c&#x9;d&amp;e"},
	}
	for _, tt := range tests {
		w := New(nil, "")
		w.Text(tt.in)
		assert.Equal(t, tt.text, string(w.Buf), "text %q", tt.in)
		w = New(nil, "")
		w.attrValue(tt.in)
		assert.Equal(t, tt.attr, string(w.Buf), "attribute %q", tt.in)
	}
}

func TestCountingMatchesWriting(t *testing.T) {
	t.Parallel()
	write := func(w *Writer) {
		w.Open("A", "urn:a")
		w.Leaf("B", "urn:b", "å & <>\r")
		w.Base64(make([]byte, 1000))
		w.MD5Hex([]byte("x"))
		w.OpenAttrs("C", "urn:a", "k", "\"v\"")
		w.Close("C")
		w.Close("A")
	}
	real := New(nil, "")
	write(real)
	counter := New(nil, "")
	counter.Counting = true
	write(counter)
	assert.Equal(t, len(real.Buf), counter.Len())
	assert.Empty(t, counter.Buf)
}

// BenchmarkTextEscaped writes text as an HTML body gives it: a special byte
// every few bytes, so that the escaping, not the scan, is what is measured.
func BenchmarkTextEscaped(b *testing.B) {
	s := strings.Repeat(`<p class="x">Ditt bygglov &amp; beslut</p>`+"\r\n", 20_000)
	w := New(make([]byte, 0, 2*len(s)), "")
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		w.Buf = w.Buf[:0]
		w.Text(s)
	}
}

// BenchmarkAttrValue escapes attribute values as a Reference's URI or an
// Algorithm carries them, with the odd special byte.
func BenchmarkAttrValue(b *testing.B) {
	vals := []string{"http://www.w3.org/2001/10/xml-exc-c14n#", `#id-1 & "quoted"` + "\t<x>\n", "urn:oid:1.2.752.201.3.1"}
	w := New(make([]byte, 0, 1<<16), "")
	b.ReportAllocs()
	for b.Loop() {
		w.Buf = w.Buf[:0]
		for range 100 {
			for _, v := range vals {
				w.attrValue(v)
			}
		}
	}
}

// A namespace name is an attribute value in canonical XML and escaped as
// one: no namespace name, however hostile, can close the declaration or
// the tag and make the bytes say what the tree does not.
func TestNamespaceNamesAreEscaped(t *testing.T) {
	t.Parallel()
	hostile := `urn:x"><Recipient>198101052382</Recipient><x a="&` + "\t\n\r<"
	escaped := `urn:x&quot;>&lt;Recipient>198101052382&lt;/Recipient>&lt;x a=&quot;&amp;&#x9;&#xA;&#xD;&lt;`
	w := New(nil, "")
	w.Open("A", hostile)
	w.OpenNS("B", "urn:b", []string{"p", hostile, "q", "urn:q"}, []string{"k", "v"})
	w.Close("B")
	w.Close("A")
	want := `<A xmlns="` + escaped + `"><B xmlns="urn:b" xmlns:p="` + escaped + `" xmlns:q="urn:q" k="v"></B></A>`
	assert.Equal(t, want, string(w.Buf))
	assert.Equal(t, len(want), w.Len())
}
