package sign

import (
	"os"
	"path/filepath"
	"testing"

	dsig "github.com/russellhaering/goxmldsig"
)

func fuzzSeeds(f *testing.F) {
	c := testCreds(f)
	signed, sealed := signedAndSealed(f, c)
	body, err := AppendDeliverSecure(nil, sealed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(sealed)
	f.Add(soapEnvelope(body))
	files, _ := filepath.Glob(filepath.Join("testdata", "attacks", "*.xml"))
	peers, _ := filepath.Glob(filepath.Join("testdata", "peers", "*.xml"))
	files = append(files, peers...)
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
}

// FuzzVerify feeds Verify arbitrary documents: it must return, without
// panicking, and never accept what the limits or the profile refuse; what
// it accepts, encoding/xml must read alike (checkDifferential).
func FuzzVerify(f *testing.F) {
	fuzzSeeds(f)
	c := testCreds(f)
	o := opts(c)
	o.Limits = Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxElements: 10_000}
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, err := Verify(doc, o)
		if err == nil && (v == nil || v.Delivery == nil || len(v.Levels) == 0) {
			t.Fatalf("accepted without a result")
		}
		if err == nil {
			checkDifferential(t, c, doc)
		}
	})
}

// FuzzCanonicalAgainstGoxmldsig holds the canonicaliser against
// goxmldsig's, exclusive and inclusive, on every tree inside the profile
// (namespaced elements, no comments, PIs or namespaced attributes).
func FuzzCanonicalAgainstGoxmldsig(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte(`<a xmlns="urn:a" z="1" b="&lt;"><b xmlns="urn:b">x&#13;</b></a>`))
	f.Add([]byte(`<a xmlns="urn:a" xmlns:x="urn:x"><b xmlns:x="urn:x" xmlns:y="u&quot;"><c xmlns:x="urn:z"/></b></a>`))
	references := map[c14nMode]dsig.Canonicalizer{
		exclusive: dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""),
		inclusive: dsig.MakeC14N10RecCanonicalizer(),
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		root, err := parseTree(doc, Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxElements: 10_000}.withDefaults())
		if err != nil || checkSignedContent(root) != nil {
			return
		}
		for mode, ref := range references {
			want, err := ref.Canonicalize(toEtree(root))
			if err != nil {
				continue
			}
			if got, _, _ := appendCanonical(nil, root, mode, nil, false); string(got) != string(want) {
				t.Fatalf("%s forms differ:\nours:      %q\ngoxmldsig: %q", mode, got, want)
			}
		}
	})
}
