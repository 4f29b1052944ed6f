package sign

import (
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toEtree copies a tree from parseTree into etree, declaring each
// element's namespace and the declarations that survive prefix stripping,
// so that goxmldsig's canonicalisers — an independent implementation — can
// canonicalise the same tree.
func toEtree(el *element) *etree.Element {
	e := etree.NewElement(el.local)
	e.CreateAttr("xmlns", el.ns)
	for d := range el.keptDecls() {
		e.CreateAttr("xmlns:"+d.prefix(), d.uri())
	}
	for _, a := range el.attrs() {
		if isDecl(a) {
			continue
		}
		if a.Name.Space == xmlNS {
			e.CreateAttr("xml:"+a.Name.Local, a.Value)
		} else {
			e.CreateAttr(a.Name.Local, a.Value)
		}
	}
	for _, k := range el.kids {
		if k.el != nil {
			e.AddChild(toEtree(k.el))
		} else {
			e.AddChild(etree.NewText(k.text))
		}
	}
	return e
}

// canonicalDocs are shapes the canonicaliser meets: the signer's output,
// pretty-printed and prefixed documents, attributes in any order, escapes,
// a SOAP envelope, and declarations no element uses — on the root as .NET
// serialisers write them, deeper, repeated with the same value, and
// redeclared with another.
func canonicalDocs(t *testing.T) map[string][]byte {
	c := testCreds(t)
	signed, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	return map[string][]byte{
		"signed":          signed,
		"sealed":          sealed,
		"pretty":          prettyPrint(t, sealed),
		"prefixed SOAP":   prefixify(t, soapEnvelope(body)),
		"attributes":      []byte(`<a xmlns="urn:a" z="1" b="&lt;&amp;&quot;" xml:lang="sv" a="x&#9;y"><b xmlns="urn:b" k="v">t&amp;&lt;&gt;&#13;</b><c>x</c></a>`),
		"CDATA and CRLF":  []byte("<a xmlns=\"urn:a\"><![CDATA[<&>]]>line\r\nnext</a>"),
		"nested defaults": []byte(`<p:a xmlns:p="urn:a" xmlns:q="urn:q"><q:b><p:c/></q:b><b xmlns="urn:a"/></p:a>`),
		"xsi and xsd on the root": []byte(`<SignedDelivery xmlns="` + nsV3 + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
			`<Delivery><x xmlns:xsd="http://www.w3.org/2001/XMLSchema">1</x></Delivery></SignedDelivery>`),
		"declarations deeper": []byte(`<a xmlns="urn:a"><b xmlns:z="urn:z" xmlns:y="urn:y&quot;&lt;&amp;"><c xmlns:z="urn:other"/></b><d xmlns:z="urn:z"/></a>`),
	}
}

// The canonicaliser agrees with goxmldsig's exclusive and inclusive
// canonicalisers on every shape above.
func TestCanonicalFormMatchesGoxmldsig(t *testing.T) {
	t.Parallel()
	references := map[c14nMode]dsig.Canonicalizer{
		exclusive: dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""),
		inclusive: dsig.MakeC14N10RecCanonicalizer(),
	}
	for name, doc := range canonicalDocs(t) {
		t.Run(name, func(t *testing.T) {
			root, err := parseTree(doc, Limits{}.withDefaults())
			require.NoError(t, err)
			for mode, ref := range references {
				want, err := ref.Canonicalize(toEtree(root))
				require.NoError(t, err)
				got, _, _ := appendCanonical(nil, root, mode, nil, false)
				assert.Equal(t, string(want), string(got), mode.String())
			}
		})
	}
}

// The two canonicalisations tell apart exactly the declarations no element
// uses: on the root of a .NET-style document inclusive C14N writes them,
// exclusive drops them, and prefixes a SOAP stack adds go in both.
func TestInclusiveKeepsUnusedDeclarations(t *testing.T) {
	t.Parallel()
	doc := []byte(`<p:SignedDelivery xmlns:p="` + nsV3 + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
		`<p:Delivery xmlns:q="urn:q"><q:x xmlns:xsd="http://www.w3.org/2001/XMLSchema">1</q:x></p:Delivery></p:SignedDelivery>`)
	root, err := parseTree(doc, Limits{}.withDefaults())
	require.NoError(t, err)
	inc, _, _ := appendCanonical(nil, root, inclusive, nil, false)
	exc, _, _ := appendCanonical(nil, root, exclusive, nil, false)
	assert.Equal(t, `<SignedDelivery xmlns="`+nsV3+`" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`+
		`<Delivery><x xmlns="urn:q">1</x></Delivery></SignedDelivery>`, string(inc))
	assert.Equal(t, `<SignedDelivery xmlns="`+nsV3+`"><Delivery><x xmlns="urn:q">1</x></Delivery></SignedDelivery>`, string(exc))
}

// The signature element is written in exclusive form whatever the mode,
// and its range reported, so that the digested bytes are the form with the
// signature cut out.
func TestSignatureRangeIsCut(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, _ := signedAndSealed(t, c)
	root, err := parseTree(signed, Limits{}.withDefaults())
	require.NoError(t, err)
	kids, _ := elementChildren(root)
	full, i, j := appendCanonical(nil, root, inclusive, kids[1], false)
	assert.Equal(t, string(signed), string(full))
	assert.Equal(t, `<Signature xmlns="`+nsDS+`">`, string(full[i:i+len(`<Signature xmlns="`+nsDS+`">`)]))
	assert.Equal(t, "</SignedDelivery>", string(full[j:]))
	content := cut(full, i, j)
	assert.Equal(t, string(signed[:i])+"</SignedDelivery>", string(content))
	omitted, k, l := appendCanonical(nil, root, inclusive, kids[1], true)
	assert.Equal(t, string(content), string(omitted), "left out, the signature leaves the same bytes")
	assert.Equal(t, i, k)
	assert.Equal(t, k, l)
}
