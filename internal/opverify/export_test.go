package opverify

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportOf parses doc and writes its root as the operator's verifier writes
// a signed element (nothing skipped, no rename).
func exportOf(t *testing.T, doc string) (string, found) {
	t.Helper()
	root, err := parse([]byte(doc))
	require.NoError(t, err, doc)
	var b strings.Builder
	f := export(&b, root, "", nil, nil)
	return b.String(), f
}

// What xmerl reads and writes, as observed by running xmerl_scan (with
// namespace_conformant), the prefix stripping and xmerl:export_simple with
// xmerl_xml on each input: the byte-exact facts the digest depends on.
func TestExportAsXmerl(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		// White space after a comment is dropped; the comment too.
		{"<a>x<!--c--> y</a>", "<a>xy</a>"},
		{"<a>x<!--c-->\t\n y</a>", "<a>xy</a>"},
		// Only a comment: the export's content is empty, an empty tag.
		{"<a><!--c--></a>", "<a/>"},
		{"<a><!--c-->  </a>", "<a/>"},
		// No content at all: start and end tag (c14n_tags).
		{"<a></a>", "<a></a>"},
		{"<a/>", "<a></a>"},
		// Text escapes &, < and >; quotes stay.
		{`<a>&amp;&lt;&gt;"'</a>`, `<a>&amp;&lt;&gt;"'</a>`},
		{"<a>x > y</a>", "<a>x &gt; y</a>"},
		// Attribute values escape &, < and "; > and ' stay.
		{`<a b="&amp;&lt;&quot;>'"/>`, `<a b="&amp;&lt;&quot;>'"></a>`},
		// Literal white space in an attribute value becomes spaces (CRLF
		// two); references keep their characters, written raw.
		{"<a b=\"x\ty\r\nz&#13;&#9;\"/>", "<a b=\"x y  z\r\t\"></a>"},
		// Line ends in text become LF, and so does &#xD;.
		{"<a>x\r\ny\rz&#xD;&#10;w</a>", "<a>x\ny\nz\n\nw</a>"},
		// CDATA is text.
		{"<a>x<![CDATA[<y>]]> z</a>", "<a>x&lt;y&gt; z</a>"},
		// Prefixes go; a prefixed element says its namespace where it
		// differs from its nearest prefixed ancestor's.
		{`<p:a xmlns:p="u"><p:b/><c/></p:a>`, `<a xmlns="u"><b></b><c></c></a>`},
		{`<p:a xmlns:p="u" xmlns:q="v"><q:b><p:c/></q:b></p:a>`, `<a xmlns="u"><b xmlns="v"><c xmlns="u"></c></b></a>`},
		// An unprefixed element keeps its own xmlns and passes on what it
		// was given: c below ends up in w as written, not in u.
		{`<p:a xmlns:p="u"><b xmlns="w"><p:c/></b></p:a>`, `<a xmlns="u"><b xmlns="w"><c></c></b></a>`},
		// xmlns:p declarations go; other attributes stay in document
		// order with their prefixes.
		{`<a xmlns="u" xmlns:p="v" p:x="1" y="2"/>`, `<a xmlns="u" p:x="1" y="2"></a>`},
		{`<p:a xmlns:p="u" xml:lang="sv"/>`, `<a xmlns="u" xml:lang="sv"></a>`},
		// An XML declaration, comments and a BOM outside the root are
		// not part of it.
		{"\xef\xbb\xbf<?xml version=\"1.0\"?><!--x--><a>é</a><!--y-->\n", "<a>é</a>"},
	} {
		got, _ := exportOf(t, c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
	}
	_, f := exportOf(t, "<a>x&#xD;</a>")
	assert.True(t, f.cr, "a &#xD; read as a line feed is noted")
	_, f = exportOf(t, "<a>x\r\n</a>")
	assert.False(t, f.cr, "a literal CRLF is the XML rule, not xmerl's")
	_, f = exportOf(t, "<a><b>x<?p y?></b></a>")
	assert.True(t, f.pi, "a processing instruction is noted: the operator crashes on it")
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("<a")
		for i := range n {
			b.WriteString(" a" + strconv.Itoa(i) + `="1"`)
		}
		return b.String() + "/>"
	}
	for _, c := range []struct{ in, want string }{
		{"", "no root element"},
		{"<a>", "not closed"},
		{"<a></b>", "closes nothing open"},
		{"<a/><b/>", "a second root element"},
		{"x<a/>", "text outside the root element"},
		{"<!DOCTYPE a><a/>", "DTDs"},
		{"<a>&foo;</a>", "entity &foo; is not declared"},
		{"<a>&#0;</a>", "not a reference to an XML character"},
		{"<a>&#xD800;</a>", "not a reference to an XML character"},
		{"<a>\x01</a>", "not an XML character"},
		{"<a>\xff</a>", "not UTF-8"},
		{"<p:a/>", "prefix p of p:a is not declared"},
		{`<a p:b="1"/>`, "prefix p of attribute p:b is not declared"},
		{`<a xmlns:p=""/>`, "xmlns:p is empty"},
		{`<a b="1" b="2"/>`, "attribute b appears twice"},
		{`<a b="<"/>`, "'<' in the value"},
		{`<a b=1/>`, "not quoted"},
		{"<a>]]></a>", "']]>' in text"},
		{"<a:b:c xmlns:a='u'/>", "not a qualified name"},
		{many(maxAttrs + 1), "more than 256 attributes"},
		{strings.Repeat("<a>", maxDepth+1), "deeper than 256"},
	} {
		_, err := parse([]byte(c.in))
		require.Error(t, err, "%.60q", c.in)
		assert.Contains(t, err.Error(), c.want, "%.60q", c.in)
		assert.ErrorIs(t, err, ErrRefused)
	}
	_, err := parse([]byte(many(maxAttrs)))
	assert.NoError(t, err, "the cap itself is allowed")
	_, err = parse([]byte(many(40)))
	assert.NoError(t, err, "distinct attributes past the small-set check")
}

// The scope of a prefix ends with its element, and an inner declaration
// shadows an outer one.
func TestParseScopes(t *testing.T) {
	t.Parallel()
	root, err := parse([]byte(`<p:a xmlns:p="u"><p:b xmlns:p="v"><p:c/></p:b><p:d/></p:a>`))
	require.NoError(t, err)
	b, d := root.kids[0], root.kids[1]
	assert.Equal(t, "v", b.uri)
	assert.Equal(t, "v", b.kids[0].uri)
	assert.Equal(t, "u", d.uri)
	_, ok := b.prefixFor("u")
	assert.False(t, ok, "p is bound to v here")
	p, ok := d.prefixFor("u")
	assert.True(t, ok)
	assert.Equal(t, "p", p)
	_, err = parse([]byte(`<a><p:b xmlns:p="u"/><p:c/></a>`))
	assert.ErrorContains(t, err, "prefix p of p:c is not declared")
}
