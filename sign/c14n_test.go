package sign

import (
	"testing"

	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The canonicaliser agrees with goxmldsig's exclusive canonicaliser — an
// independent implementation — on every shape the profile meets: the
// signer's own output, pretty-printed and prefixed documents, attributes in
// any order, escapes, a SOAP envelope.
func TestCanonicalFormMatchesGoxmldsig(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	docs := map[string][]byte{
		"signed":          signed,
		"sealed":          sealed,
		"pretty":          prettyPrint(t, sealed),
		"prefixed SOAP":   prefixify(t, soapEnvelope(body)),
		"attributes":      []byte(`<a xmlns="urn:a" z="1" b="&lt;&amp;&quot;" xml:lang="sv" a="x&#9;y"><b xmlns="urn:b" k="v">t&amp;&lt;&gt;&#13;</b><c>x</c></a>`),
		"CDATA and CRLF":  []byte("<a xmlns=\"urn:a\"><![CDATA[<&>]]>line\r\nnext</a>"),
		"nested defaults": []byte(`<p:a xmlns:p="urn:a" xmlns:q="urn:q"><q:b><p:c/></q:b><b xmlns="urn:a"/></p:a>`),
	}
	canonicalizer := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			root, err := parseTree(doc, Limits{}.withDefaults())
			require.NoError(t, err)
			want, err := canonicalizer.Canonicalize(root.Copy())
			require.NoError(t, err)
			assert.Equal(t, string(want), string(appendCanonical(nil, root, nil)))
		})
	}
}
