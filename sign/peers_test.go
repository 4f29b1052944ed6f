package sign

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Peers: documents signed by xmlsec1 — an independent implementation —
// from a template with the reference senders' profile (one Transform,
// enveloped-signature), in the layouts real senders and operators use.
// They are kept under testdata/peers for the mm command's tests and other
// languages' (rewritten with -update):
//
//   - b-signed, b-sealed: prefix-free standalone SignedDelivery, and the
//     same delivery sealed by the intermediary, as each level is signed;
//   - b-soap: the sealed delivery prefix-free in a SOAP envelope;
//   - a-prefixed-soap: the same laid out as the operator's own test
//     request, every element prefixed p1…p7, all declared on p6:Envelope;
//   - c-signed-inclusive: a SignedDelivery whose root declares xmlns:xsi
//     and xmlns:xsd, used by nothing, as .NET serialisers write it:
//     inclusive C14N (what [enveloped-signature] states) digests the two
//     declarations, exclusive C14N would not;
//   - c-signed-exclusive: the same document signed with [enveloped-
//     signature, exc-c14n], whose digest leaves them out;
//   - c-prefixed-soap: c-signed-inclusive sealed (inclusive too) and laid
//     out as a-prefixed-soap, the declarations staying on SignedDelivery.
type peer struct {
	levels  int
	sealer  message.OrgNumber // the intermediary, for sealed documents
	withNET bool              // the root declares xmlns:xsi and xmlns:xsd
}

var peers = map[string]peer{
	"b-signed":           {levels: 1},
	"b-sealed":           {levels: 2, sealer: intermediaryOrg},
	"b-soap":             {levels: 2, sealer: intermediaryOrg},
	"a-prefixed-soap":    {levels: 2, sealer: intermediaryOrg},
	"c-signed-inclusive": {levels: 1, withNET: true},
	"c-signed-exclusive": {levels: 1, withNET: true},
	"c-prefixed-soap":    {levels: 2, sealer: intermediaryOrg, withNET: true},
}

// makePeers signs the peer documents with xmlsec1.
func makePeers(t *testing.T, c *creds) map[string][]byte {
	key, cert, ikey, icert := c.pem(t, "sender.key"), c.pem(t, "sender.pem"), c.pem(t, "intermediary.key"), c.pem(t, "intermediary.pem")
	unsigned, err := testDelivery().MarshalSignedDelivery()
	require.NoError(t, err)
	sign := func(doc []byte, tmpl string) []byte {
		return withoutXMLDecl(conformance.Xmlsec1Sign(t, withTemplate(t, doc, tmpl), key, cert))
	}
	// The intermediary seals the sender's document as it received it.
	seal := func(signed []byte) []byte {
		doc := `<SealedDelivery xmlns="` + nsV3 + `">` + string(signed) +
			`<Seal><ReceivedTime xmlns="` + nsMsg + `">2026-06-01</ReceivedTime><SignaturesOK xmlns="` + nsMsg + `">true</SignaturesOK></Seal>` +
			profileTemplate("") + `</SealedDelivery>`
		return withoutXMLDecl(conformance.Xmlsec1Sign(t, []byte(doc), ikey, icert))
	}
	bSigned := sign(unsigned, profileTemplate(c.sender.subject))
	bSealed := seal(bSigned)
	net := withRootDeclarations(t, unsigned, netDecls)
	cInclusive := sign(net, profileTemplate(c.sender.subject))
	cExclusive := sign(net, sigTemplate(AlgRSASHA256, AlgSHA256, c.sender.subject))
	return map[string][]byte{
		"b-signed":           bSigned,
		"b-sealed":           bSealed,
		"b-soap":             prefixFreeLayout(t, bSealed),
		"a-prefixed-soap":    operatorLayout(t, bSealed),
		"c-signed-inclusive": cInclusive,
		"c-signed-exclusive": cExclusive,
		"c-prefixed-soap":    operatorLayout(t, seal(cInclusive)),
	}
}

func withoutXMLDecl(doc []byte) []byte {
	if bytes.HasPrefix(doc, []byte("<?xml")) {
		doc = doc[bytes.Index(doc, []byte("?>"))+2:]
	}
	return bytes.TrimSpace(doc)
}

func readPeer(t *testing.T, name string) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "peers", name+".xml"))
	require.NoError(t, err)
	return doc
}

// checkPeer verifies a peer document and what Verify says of it.
func checkPeer(t *testing.T, c *creds, name string, doc []byte) {
	t.Helper()
	p := peers[name]
	v, err := Verify(doc, opts(c))
	require.NoError(t, err, name)
	require.Len(t, v.Levels, p.levels, name)
	want := testDelivery()
	want.Messages[0].Class = 0
	assert.Equal(t, want, v.Delivery, name)
	sender, _ := v.Level(LevelSender)
	assert.Equal(t, senderOrg, sender.Signer.OrgNumber, name)
	assert.True(t, v.SignerIsSender, name)
	if p.levels == 2 {
		seal, _ := v.Level(LevelSeal)
		assert.Equal(t, p.sealer, seal.Signer.OrgNumber, name)
		assert.Equal(t, "2026-06-01", v.Seal.ReceivedTime.Format("2006-01-02"), name)
	}
	// What a forwarder would seal verifies on its own, with the same
	// content; under inclusive C14N it keeps the declarations it signed.
	again, err := Verify(v.SignedDelivery, opts(c))
	require.NoError(t, err, name)
	assert.Equal(t, v.Delivery, again.Delivery, name)
	assert.Equal(t, p.withNET && name != "c-signed-exclusive", bytes.Contains(v.SignedDelivery, []byte(`xmlns:xsi=`)), name)
	assert.NotContains(t, string(v.SignedDelivery), "p3:", name)
}

// The committed peer documents verify, and one byte changed in what they
// sign makes each fail.
func TestPeerDocumentsVerify(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	for name, p := range peers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := readPeer(t, name)
			checkPeer(t, c, name, doc)
			edits := [][2]string{{"195303231855", "195303231856"}, {"Beslut om bygglov", "Beslut om bygglow"}}
			if p.levels == 2 {
				edits = append(edits, [2]string{"2026-06-01", "2026-06-02"})
			}
			for _, e := range edits {
				require.Equal(t, 1, bytes.Count(doc, []byte(e[0])), e[0])
				_, err := Verify(bytes.Replace(doc, []byte(e[0]), []byte(e[1]), 1), opts(c))
				assert.ErrorIs(t, err, ErrSignatureInvalid, e[0])
				assert.ErrorContains(t, err, "digest does not match", e[0])
			}
		})
	}
}

// The verifier applies the rule the document states. Under inclusive C14N
// the unused declarations are digested: changing one byte of one fails,
// and so does stating the other transform list. Under exclusive C14N they
// are not: the same change still verifies, and xmlsec1 agrees on both.
func TestPeerTransformListDecidesTheCanonicalisation(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	const from, to = "XMLSchema-instance", "XMLSchema-instancf"
	inc, exc := readPeer(t, "c-signed-inclusive"), readPeer(t, "c-signed-exclusive")
	_, err := Verify(bytes.Replace(inc, []byte(from), []byte(to), 1), opts(c))
	assert.ErrorContains(t, err, "digest does not match the signed content (canonicalised by Canonical XML 1.0 (inclusive)")
	_, err = Verify(bytes.Replace(exc, []byte(from), []byte(to), 1), opts(c))
	assert.NoError(t, err, "exclusive C14N leaves unused declarations out of the digest")

	envelopedOnly := `<Transforms><Transform Algorithm="` + AlgEnveloped + `"/></Transforms>`
	both := `<Transforms><Transform Algorithm="` + AlgEnveloped + `"/><Transform Algorithm="` + AlgExcC14N + `"/></Transforms>`
	require.Contains(t, string(inc), envelopedOnly)
	require.Contains(t, string(exc), both)
	// The digest is checked before the signature value, so the refusal
	// says which canonicalisation did not match.
	_, err = Verify(bytes.Replace(inc, []byte(envelopedOnly), []byte(both), 1), opts(c))
	assert.ErrorContains(t, err, "digest does not match the signed content (canonicalised by exclusive C14N")
	_, err = Verify(bytes.Replace(exc, []byte(both), []byte(envelopedOnly), 1), opts(c))
	assert.ErrorContains(t, err, "digest does not match the signed content (canonicalised by Canonical XML 1.0 (inclusive)")

	assert.NoError(t, conformance.Xmlsec1Verify(t, inc, c.caPEM))
	assert.Error(t, conformance.Xmlsec1Verify(t, bytes.Replace(inc, []byte(from), []byte(to), 1), c.caPEM), "xmlsec1 digests the declarations under inclusive C14N")
	assert.NoError(t, conformance.Xmlsec1Verify(t, bytes.Replace(exc, []byte(from), []byte(to), 1), c.caPEM), "and not under exclusive")
}

// The peers made now by xmlsec1 verify like the committed ones (-update
// rewrites those).
func TestPeersMadeByXmlsec1(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	docs := makePeers(t, c)
	require.Len(t, docs, len(peers))
	for name, doc := range docs {
		if *update {
			require.NoError(t, os.WriteFile(filepath.Join("testdata", "peers", name+".xml"), doc, 0o644))
		}
		checkPeer(t, c, name, doc)
	}
	a := string(docs["a-prefixed-soap"])
	assert.True(t, strings.HasPrefix(a, `<p6:Envelope xmlns:p1="`+message.NSMessage+`"`), a[:80])
	assert.Contains(t, a, `<p6:Body><p5:deliverSecure><p5:deliverSecure><p3:SignedDelivery><p3:Delivery><p3:Header><p2:Sender><p4:Id>`)
	assert.Contains(t, a, `</p3:SignedDelivery><p3:Seal><p1:ReceivedTime>`)
	assert.Contains(t, string(docs["c-prefixed-soap"]), `<p3:SignedDelivery xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`)
}
