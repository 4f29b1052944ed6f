package xmltok

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wellFormed is a corpus of documents both decoders must read alike; the
// fuzz target starts from it too.
var wellFormed = map[string]string{
	"minimal":         `<a/>`,
	"declaration":     `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<a></a>\n",
	"decl single":     `<?xml version='1.0' encoding='utf-8' ?><a/>`,
	"decl bare":       `<?xml version="1.0"?><a/>`,
	"bom":             "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<a/>",
	"bom no decl":     "\xEF\xBB\xBF \n<a/>",
	"prefixes":        `<p:a xmlns:p="urn:p" xmlns:q="urn:q"><q:b p:x="1" q:y="2" z="3"/></p:a>`,
	"default ns":      `<a xmlns="urn:d"><b x="1"><c xmlns=""><d/></c></b></a>`,
	"redeclaration":   `<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/></p:a>`,
	"same uri twice":  `<a xmlns:p="urn:x" xmlns:q="urn:x"><p:b q:c="1"/></a>`,
	"xml prefix":      `<a xml:lang="sv" xml:space="preserve"><xml:b/></a>`,
	"xmlns xml":       `<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>`,
	"cdata":           `<a>x<![CDATA[<b>&amp;]]]]><![CDATA[>]]>y<![CDATA[]]></a>`,
	"entities":        `<a b="&lt;&gt;&amp;&apos;&quot;">&lt;&gt;&amp;&apos;&quot;</a>`,
	"char refs":       `<a b="&#65;&#x42;&#x0043;&#9;&#10;&#13;">&#65;&#x42;&#xe5;&#229;&#x1F600;&#x9;&#xD;&#xa;</a>`,
	"comments":        "<!-- before --><a><!----><!-- - x - --></a><!--after-->",
	"pis":             `<?pi?><a><?x-y  data ?><?tgt a?b>c?></a><?end?>`,
	"crlf text":       "<a>\r\nx\ry\r\n\r\n</a>\r\n",
	"crlf attr":       "<a b=\"x\r\ny\rz\tw\nv\"/>",
	"quotes":          `<a b="it's" c='say "hi"' d = "1" e= '2'/>`,
	"self closing":    `<a><b/><c x="1"/><d></d></a>`,
	"non-ascii":       `<ärende xmlns:ö="urn:ö" ö:typ="brev">Hej på dig, Åsa! 日本語 😀</ärende>`,
	"whitespace tags": "<a\n\tx='1'\r\n  y=\"2\" ></a\t>",
	"doctype":         `<?xml version="1.0"?><!DOCTYPE a SYSTEM "a.dtd"><a/>`,
	"doctype subset":  "<!DOCTYPE a [<!ELEMENT a (#PCDATA)><!-- x > ' --><!ATTLIST a b CDATA '>'>]>\n<a/>",
	"brackets":        `<a>]] > ]</a>`,
	"gt in attr":      `<a b="x>y]]>z"/>`,
	"empty text":      `<a></a>`,
	"names":           `<_a.b-c1 x-y.z_="1"><A9/></_a.b-c1>`,
	"deep":            strings.Repeat("<d>", 200) + "x" + strings.Repeat("</d>", 200),
	"many attrs":      `<a ` + manyAttrs(40) + `/>`,
	"many prefixes":   manyPrefixes(40),
	"soap": `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <ns2:deliverSecure xmlns:ns2="http://minameddelanden.gov.se/schema/Service/v3" xmlns="http://minameddelanden.gov.se/schema/Message/v3">
      <ns2:deliverSecure><SignedDelivery><Delivery><Header><Sender><Id>165568402266</Id><Name>Myndigheten</Name></Sender></Header>
      <Message><Body><ContentType>text/plain</ContentType><Body>SGVq</Body></Body></Message></Delivery>
      <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Reference URI=""><DigestValue>abc=</DigestValue></Reference></SignedInfo></Signature>
      </SignedDelivery></ns2:deliverSecure>
    </ns2:deliverSecure>
  </soap:Body>
</soap:Envelope>
`,
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" a")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(`="v"`)
	}
	return b.String()
}

func manyPrefixes(n int) string {
	var open, body strings.Builder
	open.WriteString("<r")
	for i := range n {
		p := "p" + strings.Repeat("x", i)
		open.WriteString(" xmlns:" + p + `="urn:` + p + `"`)
		body.WriteString("<" + p + ":e " + p + `:a="1"/>`)
	}
	return open.String() + ">" + body.String() + "</r>"
}

func TestWellFormedMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	for name, doc := range wellFormed {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mine := decodeAll([]byte(doc))
			require.NoError(t, mine.err)
			require.NotEmpty(t, mine.toks)
			checkAgainstStd(t, []byte(doc))
			checkSkip(t, []byte(doc))
		})
	}
}

// TestSemantics pins the values callers rely on, beyond "like encoding/xml".
func TestSemantics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []xml.Token
	}{
		{
			name: "namespaces",
			doc:  `<a xmlns="urn:d" xmlns:p="urn:p" p:x="1" y="2" xml:lang="sv"><p:b/></a>`,
			want: []xml.Token{
				xml.StartElement{Name: xml.Name{Space: "urn:d", Local: "a"}, Attr: []xml.Attr{
					{Name: xml.Name{Local: "xmlns"}, Value: "urn:d"},
					{Name: xml.Name{Space: "xmlns", Local: "p"}, Value: "urn:p"},
					{Name: xml.Name{Space: "urn:p", Local: "x"}, Value: "1"},
					{Name: xml.Name{Local: "y"}, Value: "2"},
					{Name: xml.Name{Space: xmlURL, Local: "lang"}, Value: "sv"},
				}},
				xml.StartElement{Name: xml.Name{Space: "urn:p", Local: "b"}, Attr: []xml.Attr{}},
				xml.EndElement{Name: xml.Name{Space: "urn:p", Local: "b"}},
				xml.EndElement{Name: xml.Name{Space: "urn:d", Local: "a"}},
			},
		},
		{
			name: "attribute normalisation",
			doc:  "<a b=\"1\t2\n3\r\n4\r5&#9;6&#10;7&#13;8\"/>",
			want: []xml.Token{
				xml.StartElement{Name: xml.Name{Local: "a"}, Attr: []xml.Attr{{Name: xml.Name{Local: "b"}, Value: "1 2 3 4 5\t6\n7\r8"}}},
				xml.EndElement{Name: xml.Name{Local: "a"}},
			},
		},
		{
			name: "line ends everywhere",
			doc:  "<?pi a\r\nb?><a>x\r\ny\rz&#13;<![CDATA[\r\n]]><!--\r--></a>",
			want: []xml.Token{
				xml.ProcInst{Target: "pi", Inst: []byte("a\nb")},
				xml.StartElement{Name: xml.Name{Local: "a"}, Attr: []xml.Attr{}},
				xml.CharData("x\ny\nz\r"),
				xml.CharData("\n"),
				xml.Comment("\n"),
				xml.EndElement{Name: xml.Name{Local: "a"}},
			},
		},
		{
			name: "bom skipped",
			doc:  "\xEF\xBB\xBF<a>\uFEFF</a>",
			want: []xml.Token{
				xml.StartElement{Name: xml.Name{Local: "a"}, Attr: []xml.Attr{}},
				xml.CharData("\uFEFF"),
				xml.EndElement{Name: xml.Name{Local: "a"}},
			},
		},
		{
			name: "doctype comment cut",
			doc:  "<!DOCTYPE a [<!-- x -->]><a/>",
			want: []xml.Token{
				xml.Directive("DOCTYPE a [ ]"),
				xml.StartElement{Name: xml.Name{Local: "a"}, Attr: []xml.Attr{}},
				xml.EndElement{Name: xml.Name{Local: "a"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := decodeAll([]byte(tt.doc))
			require.NoError(t, got.err)
			assert.Equal(t, tt.want, got.toks)
		})
	}
}

func TestCharDataAliasesInput(t *testing.T) {
	t.Parallel()
	data := []byte("<a>plain text<!--c--></a>")
	d := NewDecoder(data, Options{})
	_, err := d.Token()
	require.NoError(t, err)
	tok, err := d.Token()
	require.NoError(t, err)
	cd, ok := tok.(xml.CharData)
	require.True(t, ok)
	assert.Equal(t, "plain text", string(cd))
	assert.Same(t, &data[3], &cd[0], "text without references is not copied")
	assert.Equal(t, len(cd), cap(cd), "appending must not write into the input")

	tok, err = d.Token()
	require.NoError(t, err)
	c, ok := tok.(xml.Comment)
	require.True(t, ok)
	assert.Same(t, &data[17], &c[0])
	assert.Equal(t, int64(21), d.InputOffset())
}

func TestTokensStayValid(t *testing.T) {
	t.Parallel()
	d := NewDecoder([]byte("<a>x&amp;y</a>"), Options{})
	var toks []xml.Token
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	require.Len(t, toks, 3)
	assert.Equal(t, xml.CharData("x&y"), toks[1], "earlier tokens are not overwritten by later ones")
	_, err := d.Token()
	assert.ErrorIs(t, err, io.EOF, "io.EOF is sticky")
}

func TestSkip(t *testing.T) {
	t.Parallel()
	doc := `<a><b x="1">t&amp;<c><d/></c><!-- --></b><e/></a>`
	d := NewDecoder([]byte(doc), Options{})
	for range 2 {
		_, err := d.Token()
		require.NoError(t, err)
	}
	require.NoError(t, d.Skip())
	assert.Equal(t, int64(strings.Index(doc, "<e/>")), d.InputOffset())
	tok, err := d.Token()
	require.NoError(t, err)
	assert.Equal(t, xml.Name{Local: "e"}, tok.(xml.StartElement).Name)

	all := NewDecoder([]byte(`<?xml version="1.0"?><a>x</a>`), Options{})
	assert.ErrorIs(t, all.Skip(), io.EOF, "Skip before the root reads to the end, as encoding/xml's does")

	bad := NewDecoder([]byte(`<a><b><c x="&bad;"/></b></a>`), Options{})
	_, err = bad.Token()
	require.NoError(t, err)
	err = bad.Skip()
	assert.ErrorIs(t, err, ErrSyntax, "Skip checks what it skips")
	assert.Contains(t, err.Error(), "unknown entity &bad;")
}

func TestMaxDepthOption(t *testing.T) {
	t.Parallel()
	doc := []byte(strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5))
	for _, tt := range []struct {
		max int
		ok  bool
	}{{4, false}, {5, true}, {0, true}} {
		d := NewDecoder(doc, Options{MaxDepth: tt.max})
		var err error
		for err == nil {
			_, err = d.Token()
		}
		if tt.ok {
			assert.ErrorIs(t, err, io.EOF, "MaxDepth %d", tt.max)
		} else {
			assert.ErrorContains(t, err, "nest deeper than 4", "MaxDepth %d", tt.max)
		}
	}
}
