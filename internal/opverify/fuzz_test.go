package opverify_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/wireform"
)

// FuzzVerify feeds the verifier requests mutated from a valid one: it
// never panics, refuses only with an *Error, and what it accepts
// Documents can split.
func FuzzVerify(f *testing.F) {
	p := testPKI(f)
	req := request(f, wireform.Readable(), p.good, p.good, unsigned(f, p, testMessage()), nil)
	f.Add(req)
	f.Add(bytes.Replace(req, []byte("ds:"), []byte("x:"), 3))
	f.Add(bytes.Replace(req, []byte("<msg3:Text>"), []byte("<msg3:Text><!--c--> <?p?>&#xD;"), 1))
	f.Add([]byte(`<a xmlns:p="u"><p:Signature><p:SignatureMethod Algorithm=""/></p:Signature></a>`))
	f.Add([]byte("<a b='1' c=\"&amp;\">&#x10FFFF;<![CDATA[x]]></a>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := opverify.Verify(doc)
		if err != nil {
			var e *opverify.Error
			if !errors.As(err, &e) || !errors.Is(err, opverify.ErrRefused) || e.Rule == "" {
				t.Fatalf("refusal of another kind: %#v", err)
			}
			return
		}
		if _, err := opverify.Documents(doc); err != nil {
			t.Fatalf("accepted, but Documents fails: %v", err)
		}
	})
}
