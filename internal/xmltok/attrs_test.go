package xmltok

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// numberedAttrs returns n attributes a0="v" a1="v" …, each name distinct.
func numberedAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d="v"`, i)
	}
	return b.String()
}

// A start tag may carry at most MaxAttrs attributes, declarations
// included; one more is refused with an error naming the element and the
// limit, at the attribute past it.
func TestAttributeLimit(t *testing.T) {
	t.Parallel()
	atLimit := `<a xmlns:p="u"` + numberedAttrs(DefaultMaxAttrs-1) + `/>`
	got := decodeAll([]byte(atLimit))
	require.NoError(t, got.err)
	require.Len(t, got.toks, 2)
	assert.Len(t, got.toks[0].(xml.StartElement).Attr, DefaultMaxAttrs)

	over := `<a xmlns:p="u"` + numberedAttrs(DefaultMaxAttrs) + `/>`
	got = decodeAll([]byte(over))
	var se *SyntaxError
	require.ErrorAs(t, got.err, &se)
	assert.Equal(t, fmt.Sprintf("start tag <a> has more than %d attributes", DefaultMaxAttrs), se.Msg)
	assert.Equal(t, int64(strings.LastIndex(over, " a")+1), se.Offset)
	assert.Equal(t, ruleAttrs, se.rule)
	checkAgainstStd(t, []byte(over))

	d := NewDecoder([]byte(`<a x="1" y="2" z="3"/>`), Options{MaxAttrs: 2})
	_, err := d.Token()
	assert.ErrorContains(t, err, "start tag <a> has more than 2 attributes")
	// Skip counts them too.
	d = NewDecoder([]byte(`<r><a x="1" y="2" z="3"/></r>`), Options{MaxAttrs: 2})
	_, err = d.Token()
	require.NoError(t, err)
	assert.ErrorContains(t, d.Skip(), "more than 2 attributes")
}

// Only xmlns and xmlns:p declare namespaces. An attribute whose local name
// is xmlns under any prefix — xml:xmlns, p:xmlns — is an ordinary
// attribute in that prefix's namespace: it changes no element's namespace,
// and two of them under prefixes bound to one namespace are duplicates.
func TestPrefixedXmlnsDeclaresNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc        string
		wantSpaces []string // namespace of each element, in order
		attr       xml.Attr // an attribute of the first element
	}{
		{`<Body xml:xmlns="http://schemas.xmlsoap.org/soap/envelope/"><x/></Body>`, []string{"", ""},
			xml.Attr{Name: xml.Name{Space: xmlURL, Local: "xmlns"}, Value: "http://schemas.xmlsoap.org/soap/envelope/"}},
		{`<a xmlns:p="urn:p" p:xmlns="urn:evil"><b/></a>`, []string{"", ""},
			xml.Attr{Name: xml.Name{Space: "urn:p", Local: "xmlns"}, Value: "urn:evil"}},
		{`<q:a xmlns:q="urn:q" q:xmlns="urn:evil"><q:b/><c/></q:a>`, []string{"urn:q", "urn:q", ""},
			xml.Attr{Name: xml.Name{Space: "urn:q", Local: "xmlns"}, Value: "urn:evil"}},
		{`<a xmlns="urn:real" xmlns:p="urn:p" p:xmlns="urn:evil"><b/></a>`, []string{"urn:real", "urn:real"},
			xml.Attr{Name: xml.Name{Space: "urn:p", Local: "xmlns"}, Value: "urn:evil"}},
	}
	for _, tt := range tests {
		got := decodeAll([]byte(tt.doc))
		require.NoError(t, got.err, tt.doc)
		var spaces []string
		var first *xml.StartElement
		for _, tok := range got.toks {
			if s, ok := tok.(xml.StartElement); ok {
				spaces = append(spaces, s.Name.Space)
				if first == nil {
					first = &s
				}
			}
		}
		assert.Equal(t, tt.wantSpaces, spaces, tt.doc)
		assert.Contains(t, first.Attr, tt.attr, tt.doc)
		checkAgainstStd(t, []byte(tt.doc))
	}
	dup := decodeAll([]byte(`<a xmlns:p="urn:x" xmlns:q="urn:x" p:xmlns="1" q:xmlns="2"/>`))
	assert.ErrorContains(t, dup.err, "duplicate attribute q:xmlns")
}

// ElementPrefix tells the prefix an element was written with, which the
// resolved name no longer shows.
func TestElementPrefix(t *testing.T) {
	t.Parallel()
	d := NewDecoder([]byte(`<p:a xmlns:p="urn:x" xmlns="urn:x"><b/><p:c/></p:a>`), Options{})
	var got []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if s, ok := tok.(xml.StartElement); ok {
			assert.Equal(t, "urn:x", s.Name.Space)
			got = append(got, s.Name.Local+"="+d.ElementPrefix())
		}
	}
	assert.Equal(t, []string{"a=p", "b=", "c=p"}, got)
	assert.Empty(t, NewDecoder(nil, Options{}).ElementPrefix())
}

// BenchmarkAttributes reads one start tag of 1k, 10k and 100k attributes
// (the last far over the default limit, which is lifted for it): the cost
// per attribute must stay flat.
func BenchmarkAttributes(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		doc := []byte(`<a` + numberedAttrs(n) + `/>`)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				d := NewDecoder(doc, Options{MaxAttrs: n})
				for {
					if _, err := d.Token(); err != nil {
						if !errors.Is(err, io.EOF) {
							b.Fatal(err)
						}
						break
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/attr")
		})
	}
}

// A prefix bound to the namespace name "xmlns" would give its attributes
// the Space that marks namespace declarations among resolved names, so
// that p:q="v" looked like xmlns:q="v" to every caller: it is refused.
func TestNamespaceNamedXmlnsIsRefused(t *testing.T) {
	t.Parallel()
	doc := `<a xmlns:p="xmlns" p:q="urn:evil"><q:b/></a>`
	got := decodeAll([]byte(doc))
	assert.ErrorContains(t, got.err, "prefix p bound to the namespace name xmlns")
	checkAgainstStd(t, []byte(doc))
	require.NoError(t, decodeAll([]byte(`<a xmlns="xmlns"/>`)).err, "a default namespace of that name marks no attribute")
}
