package xmlseq

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzReader walks arbitrary input with both kinds of Source. Every refusal
// must be an *Error with a path; where both accept, they must read the same
// record, which catches text aliased from xmltok's input going wrong and
// lookahead or path bookkeeping that depends on the Source.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`<r xmlns="urn:r"><name>n</name></r>`,
		`<r xmlns="urn:r"><name>n</name><note>a note</note><item>1</item><item>2</item><data>QUJD</data><ext><any xmlns="urn:x">t<y/></any></ext></r>`,
		"<?xml version=\"1.0\"?>\n<!-- c --><p:r xmlns:p=\"urn:r\"><p:name>a<!--x-->b<![CDATA[<c>]]></p:name><?pi x?><p:data>QU&#74;D\r\nREVG</p:data></p:r>",
		`<!DOCTYPE r><r xmlns="urn:r"><name/></r>`,
		`<r xmlns="urn:r"><name>&amp;&lt;</name></r> <!-- end -->`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var recs []record
		for _, s := range sources {
			rec, err := walk(s.new(doc, Options{MaxText: 4096}))
			if err != nil {
				e, ok := errors.AsType[*Error](err)
				if !ok || !strings.HasPrefix(e.Path, "/") || e.Reason == "" {
					t.Fatalf("%s: refusal %#v is not an *Error with a path and a reason", s.name, err)
				}
				continue
			}
			if len(rec.Name) > 4096 || len(rec.Note) > 4096 {
				t.Fatalf("%s: a leaf longer than MaxText passed", s.name)
			}
			recs = append(recs, rec)
		}
		if len(recs) == 2 && !equal(recs[0], recs[1]) {
			t.Fatalf("the sources read different records:\n%#v\n%#v", recs[0], recs[1])
		}
	})
}

// equal compares records, an empty slice equal to none.
func equal(a, b record) bool {
	return a.Name == b.Name && a.Note == b.Note && slices.Equal(a.Items, b.Items) && bytes.Equal(a.Data, b.Data)
}
