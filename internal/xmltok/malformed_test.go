package xmltok

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// malformed lists documents xmltok refuses, with what the error must say
// and where. Those encoding/xml accepts carry the rule that explains the
// difference; checkAgainstStd verifies that for each of them.
var malformed = []struct {
	name, doc, msg string
	offset         int64
}{
	{"empty", ``, "no root element", 0},
	{"only space", " \n", "no root element", 2},
	{"mismatched end", `<a><b></a></b>`, "element <b> closed by </a>", 6},
	{"end prefix differs", `<p:a xmlns:p="u" xmlns:q="u"></q:a>`, "element <p:a> closed by </q:a>", 29},
	{"end name longer", `<a></ab>`, "element <a> closed by </ab>", 3},
	{"end without start", `</a>`, "end tag </a> without a start tag", 0},
	{"end with attribute", `<a></a x="1">`, "expected > in end tag </a>", 7},
	{"undeclared element prefix", `<p:a/>`, "undeclared namespace prefix p in p:a", 0},
	{"undeclared attr prefix", `<a p:x="1"/>`, "undeclared namespace prefix p in p:x", 3},
	{"prefix out of scope", `<a><b xmlns:p="u"/><p:c/></a>`, "undeclared namespace prefix p", 19},
	{"duplicate attr", `<a x="1" x="2"/>`, "duplicate attribute x", 9},
	{"duplicate expanded", `<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`, "duplicate attribute q:x", 35},
	{"duplicate default decl", `<a xmlns="u" xmlns="v"/>`, "duplicate attribute xmlns", 13},
	{"lt in attr", `<a x="a<b"/>`, "< in value of attribute x", 7},
	{"unknown entity", `<a>&nbsp;</a>`, "unknown entity &nbsp;", 3},
	{"unknown entity attr", `<a x="&foo;"/>`, "unknown entity &foo;", 6},
	{"entity without semicolon", `<a>&amp</a>`, "malformed entity reference", 3},
	{"bare ampersand", `<a>a & b</a>`, "malformed entity reference", 5},
	{"char ref zero", `<a>&#0;</a>`, "character reference to illegal character U+0000", 3},
	{"char ref surrogate", `<a>&#xD800;</a>`, "character reference to surrogate U+D800", 3},
	{"char ref FFFE", `<a>&#xFFFE;</a>`, "illegal character U+FFFE", 3},
	{"char ref too big", `<a>&#x110000;</a>`, "illegal character", 3},
	{"char ref empty", `<a>&#x;</a>`, "malformed character reference", 3},
	{"char ref capital X", `<a>&#X41;</a>`, "malformed character reference", 3},
	{"invalid utf-8", "<a>\xff</a>", "invalid UTF-8", 3},
	{"invalid utf-8 attr", "<a x=\"\xc3\"/>", "invalid UTF-8", 6},
	{"surrogate utf-8", "<a>\xed\xa0\x80</a>", "invalid UTF-8", 3},
	{"control char", "<a>\x01</a>", "illegal character U+0001", 3},
	{"nul", "<a>\x00</a>", "illegal character U+0000", 3},
	{"control char attr", "<a x=\"\x1f\"/>", "illegal character U+001F", 6},
	{"U+FFFF", "<a>\uffff</a>", "illegal character U+FFFF", 3},
	{"cdata end in text", `<a>]]></a>`, "]]> outside a CDATA section", 3},
	{"double dash comment", `<a><!-- a -- b --></a>`, "-- inside a comment", 10},
	{"comment ends in dash", `<a><!-- a ---></a>`, "-- inside a comment", 10},
	{"two roots", `<a/><b/>`, "second root element <b>", 4},
	{"text after root", `<a/>x`, "text outside the root element", 4},
	{"text before root", `x<a/>`, "text outside the root element", 0},
	{"reference outside root", `&#32;<a/>`, "text outside the root element", 0},
	{"cdata outside root", `<![CDATA[ ]]><a/>`, "misplaced CDATA section", 0},
	{"unclosed at eof", `<a><b>`, "unexpected end of input inside <b>", 6},
	{"eof in tag", `<a`, "unexpected end of input in start tag <a>", 2},
	{"eof after lt", `<a><`, "unexpected end of input after <", 3},
	{"too deep", strings.Repeat("<a>", 257), "elements nest deeper than 256", 768},
	{"xml decl late", "\n<?xml version=\"1.0\"?><a/>", "reserved for the XML declaration", 1},
	{"xml decl in root", `<a><?xml version="1.0"?></a>`, "reserved for the XML declaration", 3},
	{"XML target", `<?XML version="1.0"?><a/>`, "target XML is reserved", 0},
	{"decl without version", `<?xml encoding="UTF-8"?><a/>`, "missing version in XML declaration", 6},
	{"decl version 1.1", `<?xml version="1.1"?><a/>`, `unsupported XML version "1.1"`, 6},
	{"decl latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, `unsupported encoding "ISO-8859-1"`, 20},
	{"decl utf-16 spaced", `<?xml version="1.0" encoding = "UTF-16"?><a/>`, `unsupported encoding "UTF-16"`, 20},
	{"decl standalone", `<?xml version="1.0" standalone="maybe"?><a/>`, `invalid standalone value "maybe"`, 20},
	{"decl order", `<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>`, "unexpected", 37},
	{"decl junk", `<?xml version="1.0" foo="bar"?><a/>`, "unexpected", 20},
	{"decl no space", `<?xml version="1.0"encoding="UTF-8"?><a/>`, "unexpected", 19},
	{"two doctypes", `<!DOCTYPE a><!DOCTYPE a><a/>`, "second DOCTYPE", 12},
	{"doctype after root", `<a/><!DOCTYPE a>`, "misplaced DOCTYPE", 4},
	{"doctype in root", `<a><!DOCTYPE a></a>`, "misplaced DOCTYPE", 3},
	{"doctype no space", `<!DOCTYPEa><a/>`, "no white space after <!DOCTYPE", 9},
	{"doctype unterminated", `<!DOCTYPE a [<!ENTITY x "y">`, "unterminated DOCTYPE", 0},
	{"entity declaration", `<!ENTITY x "y"><a/>`, "markup declaration outside a DOCTYPE", 0},
	{"bad bang", `<a><!-x--></a>`, `invalid markup "<!-x"`, 3},
	{"bad cdata", `<a><![CDAT[x]]></a>`, `invalid markup "<![C"`, 3},
	{"leading colon", `<:a/>`, `element name ":a" is not a qualified name`, 1},
	{"trailing colon", `<a b:="1"/>`, `attribute name "b:" is not a qualified name`, 3},
	{"two colons", `<a:b:c/>`, "has more than one colon", 1},
	{"empty prefix decl", `<p:a xmlns:p=""/>`, "prefix p bound to the empty namespace name", 5},
	{"xmlns declared", `<a xmlns:xmlns="urn:x"/>`, "prefix xmlns declared", 3},
	{"xml rebound", `<a xmlns:xml="urn:x"/>`, `prefix xml bound to "urn:x"`, 3},
	{"xml uri bound", `<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>`, "reserved namespace", 3},
	{"xmlns uri default", `<a xmlns="http://www.w3.org/2000/xmlns/"/>`, "reserved namespace", 3},
	{"xmlns prefixed element", `<xmlns:a/>`, "reserved prefix xmlns", 0},
	{"xmlns element", `<xmlns xmlns="u"/>`, "element named xmlns", 0},
	{"pi colon", `<a><?p:q x?></a>`, "colon in processing instruction target", 5},
	{"pi no space", `<a><?pi#x?></a>`, "no white space after processing instruction target pi", 7},
	{"pi unterminated", `<a><?pi x</a>`, "unterminated processing instruction pi", 3},
	{"pi no target", `<a><? x?></a>`, "invalid processing instruction target", 5},
	{"attrs without space", `<a x="1"y="2"/>`, "no white space before attribute", 8},
	{"unquoted attr", `<a x=1/>`, "expected quoted value of attribute x", 5},
	{"attr without value", `<a x/>`, "expected = after attribute x", 4},
	{"attr unterminated", `<a x="1/>`, "unterminated value of attribute x", 5},
	{"slash space", `<a/ >`, "expected /> in start tag <a>", 2},
	{"space before name", `< a/>`, "expected element name", 1},
	{"bad name start", `<1a/>`, `invalid element name "1a"`, 1},
	{"bad name char", "<a\u00d7b/>", `invalid element name "a×b"`, 1},
	{"comment bad char", "<a><!--\x01--></a>", "illegal character U+0001", 7},
	{"comment bad utf-8", "<!--\xfe--><a/>", "invalid UTF-8", 4},
	{"pi bad char", "<a><?pi \x02?></a>", "illegal character U+0002", 8},
	{"doctype bad char", "<!DOCTYPE a \x03><a/>", "illegal character U+0003", 12},
	{"unterminated comment", `<a><!-- x</a>`, "unterminated comment", 3},
	{"comment cut after dashes", `<a><!-- x --`, "unterminated comment", 3},
	{"unterminated cdata", `<a><![CDATA[x</a>`, "unterminated CDATA section", 3},
	{"cdata bad char", "<a><![CDATA[\x00]]></a>", "illegal character U+0000", 12},
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := decodeAll([]byte(tt.doc))
			require.Error(t, got.err)
			assert.ErrorIs(t, got.err, ErrSyntax)
			assert.ErrorContains(t, got.err, tt.msg)
			var se *SyntaxError
			require.True(t, errors.As(got.err, &se))
			assert.Equal(t, tt.offset, se.Offset, "offset of %v", se)
			assert.Contains(t, se.Error(), "offset ")
			assert.Equal(t, strings.ToLower(se.Msg[:1]), se.Msg[:1], "lower case")
			checkAgainstStd(t, []byte(tt.doc))
			checkSkip(t, []byte(tt.doc))
		})
	}
}

func TestErrorIsSticky(t *testing.T) {
	t.Parallel()
	d := NewDecoder([]byte(`<a><b></a>`), Options{})
	var first error
	for first == nil {
		_, first = d.Token()
	}
	_, again := d.Token()
	assert.Same(t, first, again)
	assert.ErrorIs(t, d.Skip(), ErrSyntax)
}
