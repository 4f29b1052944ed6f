package xmlseq

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/xmltok"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadsTheSequence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want record
	}{
		{
			name: "minimal",
			doc:  `<r xmlns="urn:r"><name>n</name></r>`,
			want: record{Name: "n"},
		},
		{
			name: "every optional part",
			doc: `<r xmlns="urn:r"><name>n</name><note>a note</note><item>1</item><item>2</item>` +
				`<data>QUJD</data><ext><any xmlns="urn:x">t<y/><!-- c --></any></ext></r>`,
			want: record{Name: "n", Note: "a note", Items: []string{"1", "2"}, Data: []byte("QUJD")},
		},
		{
			name: "prefixes, declaration, comments, PIs, white space and CDATA",
			doc: "<?xml version=\"1.0\"?>\n<!-- c --><p:r xmlns:p=\"urn:r\">\n <p:name>a<!--x-->b<![CDATA[<c>]]></p:name><?pi x?>\n" +
				"<p:note/>\t<p:item> 1 </p:item>\r\n<p:data>QUJD\nREVG</p:data></p:r>\n<!-- end --><?pi?>\n",
			want: record{Name: "ab<c>", Items: []string{" 1 "}, Data: []byte("QUJD\nREVG")},
		},
		{
			name: "empty leaves",
			doc:  `<r xmlns="urn:r"><name/><item></item><data/></r>`,
			want: record{Name: "", Items: []string{""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			walkAll(t, tt.doc, Options{}, func(t *testing.T, _ string, rec record, err error) {
				require.NoError(t, err)
				assert.Equal(t, tt.want, rec)
			})
		})
	}
}

func TestRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		doc    string
		path   string
		reason string
		// tok is what xmltok, stricter than encoding/xml, says instead, as a
		// substring of the reason; "" when the reason is the same.
		tok string
	}{
		{name: "wrong root", doc: `<x xmlns="urn:r"/>`, path: "/", reason: "want element r in namespace urn:r, got x in namespace urn:r"},
		{name: "no namespace", doc: `<r><name/></r>`, path: "/", reason: "want element r in namespace urn:r, got r in namespace (none)"},
		{name: "other namespace", doc: `<r xmlns="urn:r"><name xmlns="urn:o"/></r>`, path: "/r", reason: "want element name in namespace urn:r, got name in namespace urn:o"},
		{name: "missing element", doc: `<r xmlns="urn:r"></r>`, path: "/r", reason: "want element name"},
		{name: "unknown element", doc: `<r xmlns="urn:r"><name/><zzz/></r>`, path: "/r", reason: "unexpected element zzz"},
		{name: "out of order", doc: `<r xmlns="urn:r"><name/><item/><note/></r>`, path: "/r", reason: "unexpected element note"},
		{name: "stray text", doc: `<r xmlns="urn:r">oops<name/></r>`, path: "/r", reason: "unexpected text"},
		{name: "element in a leaf", doc: `<r xmlns="urn:r"><name>a<b/></name></r>`, path: "/r/name", reason: "element b where only text belongs"},
		{name: "DTD before the root", doc: `<!DOCTYPE r [<!ENTITY e "x">]><r xmlns="urn:r"><name/></r>`, path: "/", reason: "DTDs and other directives are not allowed"},
		{name: "directive between elements", doc: `<r xmlns="urn:r"><!DOCTYPE x><name/></r>`, path: "/r", reason: "DTDs and other directives are not allowed", tok: "DOCTYPE"},
		{name: "directive in a leaf", doc: `<r xmlns="urn:r"><name><!DOCTYPE x></name></r>`, path: "/r/name", reason: "DTDs and other directives are not allowed", tok: "DOCTYPE"},
		{name: "directive after the root", doc: `<r xmlns="urn:r"><name/></r><!DOCTYPE x>`, path: "/", reason: "DTDs and other directives are not allowed", tok: "DOCTYPE"},
		{name: "text after the root", doc: `<r xmlns="urn:r"><name/></r>x`, path: "/", reason: "text after the root element", tok: "text outside the root"},
		{name: "content after the root", doc: `<r xmlns="urn:r"><name/></r><r/>`, path: "/", reason: "content after the root element", tok: "second root"},
		{name: "unknown entity", doc: `<r xmlns="urn:r"><name>&xxe;</name></r>`, path: "/r/name", reason: "XML syntax error on line 1: invalid character entity &xxe;", tok: "entity"},
		{name: "truncated", doc: `<r xmlns="urn:r"><name>abc`, path: "/r/name", reason: "XML syntax error on line 1: unexpected EOF", tok: "unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			walkAll(t, tt.doc, Options{}, func(t *testing.T, src string, _ record, err error) {
				e, ok := errors.AsType[*Error](err)
				require.True(t, ok, "want an *Error, got %v", err)
				assert.Equal(t, tt.path, e.Path)
				assert.False(t, e.EOF)
				if tt.tok != "" && src == "xmltok" {
					assert.Contains(t, e.Reason, tt.tok)
					return
				}
				assert.Equal(t, tt.reason, e.Reason)
				assert.Equal(t, "at "+tt.path+": "+tt.reason, err.Error())
			})
		})
	}
}

func TestMaxText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		max        int
		want       string // "" for a refusal
	}{
		{"at the bound", strings.Repeat("a", 10), 10, strings.Repeat("a", 10)},
		{"one over", strings.Repeat("a", 11), 10, ""},
		{"over in two runs", "aaaaa<!-- c -->aaaaaa", 10, ""},
		{"at the bound in two runs", "aaaaa<!-- c -->aaaaa", 10, "aaaaaaaaaa"},
		{"no bound", strings.Repeat("a", 5000), 0, strings.Repeat("a", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := `<r xmlns="urn:r"><name>` + tt.text + `</name></r>`
			walkAll(t, doc, Options{MaxText: tt.max}, func(t *testing.T, _ string, rec record, err error) {
				if tt.want != "" {
					require.NoError(t, err)
					assert.Equal(t, tt.want, rec.Name)
					return
				}
				assert.Equal(t, &Error{Path: "/r/name", Reason: "longer than 10 bytes"}, err)
			})
		})
	}
}

// tokens is a Source replaying a list of tokens and errors, then io.EOF.
type tokens []any

func (s *tokens) Token() (xml.Token, error) {
	if len(*s) == 0 {
		return nil, io.EOF
	}
	t := (*s)[0]
	*s = (*s)[1:]
	if err, ok := t.(error); ok {
		return nil, err
	}
	return t, nil
}

func (s *tokens) Skip() error {
	for {
		t, err := s.Token()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			if err := s.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func start(local string) xml.StartElement {
	return xml.StartElement{Name: xml.Name{Space: ns, Local: local}}
}

func end(local string) xml.EndElement { return xml.EndElement{Name: xml.Name{Space: ns, Local: local}} }

func TestEndOfInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		toks   tokens
		path   string
		reason string
	}{
		{"empty", tokens{}, "/", "document ends where element r belongs"},
		{"before a leaf", tokens{start("r")}, "/r", "document ends where element name belongs"},
		{"in a leaf", tokens{start("r"), start("name"), xml.CharData("x")}, "/r/name", "document ends early"},
		{"before an end", tokens{start("r"), start("name"), end("name")}, "/r", "document ends where element note belongs"},
		{"in a skipped element", tokens{start("r"), start("name"), end("name"), start("ext"), start("x")}, "/r/ext", "document ends early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			toks := tt.toks
			_, err := walk(New(&toks, Options{}))
			assert.Equal(t, &Error{Path: tt.path, Reason: tt.reason, EOF: true}, err)
		})
	}
}

func TestErrorsAreSticky(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	toks := tokens{start("r"), boom, start("name"), end("name"), end("r")}
	r := New(&toks, Options{})
	require.NoError(t, r.Start(ns, "r"))
	assert.False(t, r.Is(ns, "name"), "a failed lookahead is no match")
	err := r.Start(ns, "name")
	assert.Equal(t, &Error{Path: "/r", Reason: "boom"}, err)
	assert.Same(t, err, r.Start(ns, "name"), "the source has a good token now, but the reader stays failed")
	assert.Same(t, err, r.End())
	assert.Same(t, err, r.EOF())
}

func TestWithin(t *testing.T) {
	t.Parallel()
	d := xml.NewDecoder(strings.NewReader(`<outer xmlns="urn:o"><name xmlns="urn:r">n</name><bad xmlns="urn:r"/></outer>`))
	tok, err := d.Token()
	require.NoError(t, err)
	require.Equal(t, "outer", tok.(xml.StartElement).Name.Local)

	within := make([]string, 1, 4)
	within[0] = "outer"
	r := New(d, Options{Within: within})
	name, err := r.Leaf(ns, "name")
	require.NoError(t, err)
	assert.Equal(t, "n", name)
	assert.Equal(t, &Error{Path: "/outer/name", Reason: "x"}, r.ChildErrorf("name", "x"))
	require.NoError(t, r.Start(ns, "bad"))
	assert.Equal(t, []string{"outer", ""}, within[:2], "the caller's array is not written into")
	assert.Equal(t, &Error{Path: "/outer/bad", Reason: "x 1"}, r.Errorf("x %d", 1))
	require.NoError(t, r.End())
	require.NoError(t, r.End(), "End consumes the end of an element the reader was handed inside")
	assert.NoError(t, r.EOF())
}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want xml.Name
		err  *Error
	}{
		{"after a comment", `<!-- c --><a xmlns="urn:a"><b/></a>`, xml.Name{Space: "urn:a", Local: "a"}, nil},
		{"empty", ``, xml.Name{}, &Error{Path: "/", Reason: "document ends early", EOF: true}},
		{"text", `oops<a/>`, xml.Name{}, &Error{Path: "/", Reason: "unexpected text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := xml.NewDecoder(strings.NewReader(tt.doc))
			r := New(d, Options{})
			se, err := r.Next()
			if tt.err != nil {
				assert.Equal(t, tt.err, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, se.Name)
			// The element is the caller's to read, from the decoder.
			require.NoError(t, d.Skip())
			assert.NoError(t, r.EOF())
		})
	}
}

func TestEOFAfterLookahead(t *testing.T) {
	t.Parallel()
	r := New(xml.NewDecoder(strings.NewReader(`<r xmlns="urn:r"><name/></r><x/>`)), Options{})
	_, err := r.Leaf(ns, "r")
	require.Error(t, err, "r is no leaf")
	r = New(xml.NewDecoder(strings.NewReader(`<r xmlns="urn:r"></r><x/>`)), Options{})
	require.NoError(t, r.Start(ns, "r"))
	require.NoError(t, r.End())
	assert.False(t, r.Is(ns, "r"))
	assert.Equal(t, &Error{Path: "/", Reason: "content after the root element"}, r.EOF())
}

func TestMisuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(r *Reader) error
		want string
	}{
		{"text after a lookahead", func(r *Reader) error { _, err := r.Text(); return err }, "internal: text after peek"},
		{"skip after a lookahead", func(r *Reader) error { return r.Skip() }, "internal: skip after peek"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := New(xml.NewDecoder(strings.NewReader(`<r xmlns="urn:r"><name/></r>`)), Options{})
			require.NoError(t, r.Start(ns, "r"))
			require.True(t, r.Is(ns, "name"))
			assert.Equal(t, &Error{Path: "/r", Reason: tt.want}, tt.call(r))
		})
	}
}

// TestTextBytesAliasesStableInput: with xmltok, one run of text comes back
// as a slice of the input, uncopied; several runs are joined in a new
// slice that leaves the input as it was.
func TestTextBytesAliasesStableInput(t *testing.T) {
	t.Parallel()
	doc := []byte(`<r xmlns="urn:r"><name>QUJD</name><note>ab<!-- c -->cd</note></r>`)
	orig := bytes.Clone(doc)
	r := New(xmltok.NewDecoder(doc, xmltok.Options{}), Options{Stable: true})
	require.NoError(t, r.Start(ns, "r"))
	one, err := r.LeafBytes(ns, "name")
	require.NoError(t, err)
	assert.Equal(t, "QUJD", string(one))
	assert.Same(t, &doc[bytes.Index(doc, []byte("QUJD"))], &one[0], "a single run aliases the input")

	two, err := r.LeafBytes(ns, "note")
	require.NoError(t, err)
	assert.Equal(t, "abcd", string(two))
	assert.Equal(t, orig, doc, "joining runs never writes into the input")
	assert.Equal(t, "QUJD", string(one))
}

// TestTextBytesCopiesUnstableInput: encoding/xml reuses its buffer, so
// text read earlier must survive later reads.
func TestTextBytesCopiesUnstableInput(t *testing.T) {
	t.Parallel()
	doc := `<r xmlns="urn:r"><name>` + strings.Repeat("A", 100) + `</name><item>` + strings.Repeat("B", 100) + `</item></r>`
	r := New(xml.NewDecoder(strings.NewReader(doc)), Options{})
	require.NoError(t, r.Start(ns, "r"))
	first, err := r.LeafBytes(ns, "name")
	require.NoError(t, err)
	second, err := r.LeafBytes(ns, "item")
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("A", 100), string(first))
	assert.Equal(t, strings.Repeat("B", 100), string(second))
}
