package sign

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignedDeliveryShape(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, err := c.sender.SignDelivery(testDelivery())
	require.NoError(t, err)
	s := string(signed)
	assert.True(t, strings.HasPrefix(s, `<SignedDelivery xmlns="`+nsV3+`"><Delivery>`))
	assert.True(t, strings.HasSuffix(s, `</KeyInfo></Signature></SignedDelivery>`), "signature is the root's last child")
	assert.Equal(t, 1, strings.Count(s, "<Signature "))
	assert.Contains(t, s, `<Reference URI=""><Transforms><Transform Algorithm="`+AlgEnveloped+`"></Transform></Transforms>`, "exactly one Transform")
	assert.Equal(t, 1, strings.Count(s, "<X509Certificate>"), "the leaf certificate only")
	assert.Contains(t, s, `<X509SubjectName>CN=Kommun A+SERIALNUMBER=162021004748,O=Kommun A,C=SE</X509SubjectName><X509Certificate>`)
	assert.NotContains(t, s, "xmlns:", "prefix-free")
}

func TestVerifyEveryForm(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	forms := map[string]struct {
		doc    []byte
		levels []LevelName
	}{
		"signed":                 {signed, []LevelName{LevelSender}},
		"sealed":                 {sealed, []LevelName{LevelSeal, LevelSender}},
		"deliverSecure element":  {body, []LevelName{LevelSeal, LevelSender}},
		"SOAP envelope":          {soapEnvelope(body), []LevelName{LevelSeal, LevelSender}},
		"prefixed SOAP envelope": {prefixify(t, soapEnvelope(body)), []LevelName{LevelSeal, LevelSender}},
		"prefixed signed":        {prefixify(t, signed), []LevelName{LevelSender}},
	}
	for name, f := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := Verify(f.doc, opts(c))
			require.NoError(t, err)
			var got []LevelName
			for _, l := range v.Levels {
				got = append(got, l.Name)
				assert.Equal(t, senderOrg, l.Signer.OrgNumber)
				assert.Equal(t, AlgRSASHA256, l.SignatureAlgorithm)
				assert.Equal(t, AlgSHA256, l.DigestAlgorithm)
			}
			assert.Equal(t, f.levels, got)
			assert.True(t, v.SignerIsSender)
			assert.Equal(t, signed, v.SignedDelivery, "the canonical signed delivery comes back byte for byte")
			want := testDelivery()
			want.Messages[0].Class = 0
			assert.Equal(t, want, v.Delivery)
			if len(f.levels) == 2 {
				require.NotNil(t, v.Seal)
				assert.True(t, v.Seal.SignaturesOK)
				assert.Equal(t, "2026-06-01", v.Seal.ReceivedTime.Format("2006-01-02"))
			}
		})
	}
}

func TestSealDateIsSwedish(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, err := c.sender.SignDelivery(testDelivery())
	require.NoError(t, err)
	// 23:30 UTC on 31 December is already New Year's Day in Stockholm.
	sealed, err := c.sender.Seal(signed, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Contains(t, string(sealed), ">2027-01-01</ReceivedTime>")
	_, err = c.sender.Seal(prefixify(t, signed), verifyAt)
	assert.ErrorIs(t, err, ErrMalformed, "Seal takes only the canonical form")
}

func TestDeliverSecureBodyValidatesAgainstXSD(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	_, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	conformance.ValidateXSD(t, conformance.ServiceXSD, body)
	_, err = AppendDeliverSecure(nil, []byte("<x/>"))
	assert.ErrorIs(t, err, ErrMalformed)
}

// Changing any byte of signed content makes verification fail, in the SDK
// and in xmlsec1 alike.
func TestTamperingIsDetected(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, sealed := signedAndSealed(t, c)
	edits := []struct {
		name      string
		doc       []byte
		from, to  string
		xmlsecToo bool
	}{
		{"subject", signed, "Beslut om bygglov", "Beslut om bygglow", true},
		{"recipient", signed, "195303231855", "198101052382", true},
		{"body", signed, "RGl0dCBieWdnbG92", "RGl0dCBieWdnbG93", true},
		{"attachment", signed, "JVBERi0x", "JVBERi0y", true},
		{"digest value", signed, "<DigestValue>", "<DigestValue>A", true},
		{"seal date", sealed, "2026-06-01", "2026-06-02", true},
		{"inner content under a valid seal position", sealed, "BN 2026/17", "BN 2026/18", false},
		{"signature value", signed, "<SignatureValue>", "<SignatureValue>AAAA", true},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, string(e.doc), e.from)
			bad := bytes.Replace(e.doc, []byte(e.from), []byte(e.to), 1)
			_, err := Verify(bad, opts(c))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrSignatureInvalid)
			if e.xmlsecToo {
				assert.Error(t, conformance.Xmlsec1Verify(t, bad, c.caPEM), "xmlsec1 must refuse it too")
			}
		})
	}
}

func TestVerifyOptions(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, _ := signedAndSealed(t, c)
	_, err := Verify(signed, VerifyOptions{At: verifyAt})
	assert.ErrorIs(t, err, ErrUntrustedCertificate, "no roots, no trust")
	assert.ErrorContains(t, err, "no trusted roots")
	_, err = Verify(signed, VerifyOptions{Roots: c.roots, At: time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, ErrUntrustedCertificate, "certificate expired by then")
	v, err := Verify(signed, VerifyOptions{InsecureSkipChain: true})
	require.NoError(t, err)
	assert.Equal(t, senderOrg, v.Levels[0].Signer.OrgNumber)
	_, err = Verify(signed, VerifyOptions{Roots: c.roots, At: verifyAt, Limits: Limits{MaxBytes: 100}})
	assert.ErrorIs(t, err, ErrMalformed)
}

// Operators check RSA signatures only (SPEC §4), so a signer with any
// other key is refused when it is made, with the reason, not at delivery.
func TestNonRSASignersAreRefused(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	s, err := LoadPEM(c.pem(t, "ecdsa.pem"), c.pem(t, "ecdsa.key"))
	assert.Nil(t, s)
	require.ErrorIs(t, err, ErrKey)
	assert.Contains(t, err.Error(), "must be RSA")
}

// Documents signed by xmlsec1 — an independent C implementation — in the
// forms other implementations send verify in the SDK.
func TestVerifyDocumentsSignedByXmlsec1(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	key, cert, ikey, icert := c.pem(t, "sender.key"), c.pem(t, "sender.pem"), c.pem(t, "intermediary.key"), c.pem(t, "intermediary.pem")
	unsigned, err := testDelivery().MarshalSignedDelivery()
	require.NoError(t, err)
	tmpl256 := sigTemplate(AlgRSASHA256, AlgSHA256, c.sender.subject)

	signed := conformance.Xmlsec1Sign(t, withTemplate(t, unsigned, tmpl256), key, cert)
	pretty := conformance.Xmlsec1Sign(t, withTemplate(t, prettyPrint(t, unsigned), tmpl256), key, cert)
	sha1 := conformance.Xmlsec1Sign(t, withTemplate(t, unsigned, sigTemplate(AlgRSASHA1, AlgSHA1, c.sender.subject)), key, cert)
	// An intermediary seals the xmlsec1-signed delivery, again with xmlsec1,
	// over the canonical prefix-free form; the SOAP stack then prefixes it.
	vSigned, err := Verify(signed, opts(c))
	require.NoError(t, err)
	sealedX := conformance.Xmlsec1Sign(t, unsignedSeal(vSigned.SignedDelivery, sigTemplate(AlgRSASHA256, AlgSHA256, "")), ikey, icert)
	vSealed, err := Verify(sealedX, opts(c))
	require.NoError(t, err)
	seal, _ := vSealed.Level(LevelSeal)
	assert.Equal(t, intermediaryOrg, seal.Signer.OrgNumber)
	body, err := sealedToWire(sealedX)
	require.NoError(t, err)
	prefixedSOAP := prefixify(t, soapEnvelope(body))

	foreign := map[string][]byte{"canonical": signed, "pretty-printed": pretty, "sealed-prefixed-soap": prefixedSOAP, "rsa-sha1": sha1}
	if *update {
		for name, doc := range foreign {
			require.NoError(t, os.WriteFile(filepath.Join("testdata", "foreign", name+".xml"), doc, 0o644))
		}
	}
	for name, doc := range map[string][]byte{"canonical": signed, "pretty-printed": pretty, "sealed, prefixed SOAP": prefixedSOAP} {
		v, err := Verify(doc, opts(c))
		require.NoError(t, err, name)
		assert.Equal(t, "Beslut om bygglov", v.Delivery.Messages[0].Subject, name)
	}
	assert.Contains(t, string(pretty), "\n  <Delivery>")

	_, err = Verify(sha1, opts(c))
	assert.ErrorIs(t, err, ErrAlgorithm, "SHA-1 is refused by default")
	o := opts(c)
	o.AllowSHA1 = true
	v, err := Verify(sha1, o)
	require.NoError(t, err)
	assert.Equal(t, AlgRSASHA1, v.Levels[0].SignatureAlgorithm)
	assert.Equal(t, AlgSHA1, v.Levels[0].DigestAlgorithm)

	// Tampering with what xmlsec1 signed is caught.
	_, err = Verify(bytes.Replace(pretty, []byte("bygglov"), []byte("bygglow"), 1), opts(c))
	assert.ErrorIs(t, err, ErrSignatureInvalid)
}

// The documents xmlsec1 made, kept under testdata/foreign for the mm command
// and other languages' tests, still verify.
func TestForeignGoldenFilesVerify(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	for name, levels := range map[string]int{"canonical": 1, "pretty-printed": 1, "sealed-prefixed-soap": 2} {
		doc, err := os.ReadFile(filepath.Join("testdata", "foreign", name+".xml"))
		require.NoError(t, err)
		v, err := Verify(doc, opts(c))
		require.NoError(t, err, name)
		assert.Len(t, v.Levels, levels, name)
	}
	sha1, err := os.ReadFile(filepath.Join("testdata", "foreign", "rsa-sha1.xml"))
	require.NoError(t, err)
	_, err = Verify(sha1, opts(c))
	assert.ErrorIs(t, err, ErrAlgorithm)
}

// sealedToWire turns a standalone SealedDelivery (any whitespace) into the
// deliverSecure element, moving the children as quirk 2 describes.
func sealedToWire(sealed []byte) ([]byte, error) {
	s := string(sealed)
	open := `<SealedDelivery xmlns="` + nsV3 + `">`
	i := strings.Index(s, open)
	j := strings.LastIndex(s, "</SealedDelivery>")
	inner := s[i+len(open) : j]
	inner = strings.Replace(inner, "<SignedDelivery>", `<SignedDelivery xmlns="`+nsV3+`">`, 1)
	k := strings.LastIndex(inner, "<Seal>")
	inner = inner[:k] + `<Seal xmlns="` + nsV3 + `">` + inner[k+len("<Seal>"):]
	return []byte(`<deliverSecure xmlns="` + message.NSServiceV3 + `"><deliverSecure>` + inner + `</deliverSecure></deliverSecure>`), nil
}

// SDK-made signatures verify with xmlsec1, pinned to the root's own
// signature.
func TestXmlsec1VerifiesSDKSignatures(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	signed, sealed := signedAndSealed(t, c)
	big := testMessage()
	big.Attachments[0].Data = bytes.Repeat([]byte("PDF!"), 300_000)
	bigSigned, err := c.sender.SignDelivery(message.NewDelivery(testSender(), big))
	require.NoError(t, err)
	for name, doc := range map[string][]byte{"signed": signed, "sealed": sealed, "1.2 MB signed": bigSigned} {
		assert.NoError(t, conformance.Xmlsec1Verify(t, doc, c.caPEM), name)
	}
}

// A SOAP envelope holds an optional Header and exactly one Body, whose one
// child is the delivery; anything else is refused, not worked around.
func TestSOAPEnvelopeShape(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	_, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	b := string(body)
	env := func(inner string) []byte {
		return []byte(`<Envelope xmlns="` + message.NSSOAP + `">` + inner + `</Envelope>`)
	}
	_, err = Verify(env(`<Body>`+b+`</Body>`), opts(c))
	require.NoError(t, err, "no Header")
	for name, tt := range map[string]struct{ inner, reason string }{
		"two bodies":           {`<Body>` + b + `</Body><Body>` + b + `</Body>`, "SOAP Envelope holds 2 Body elements, want exactly one"},
		"no body":              {`<Header></Header>`, "SOAP Envelope holds 0 Body elements"},
		"header after body":    {`<Body>` + b + `</Body><Header></Header>`, "only an optional Header, then one Body"},
		"two headers":          {`<Header></Header><Header></Header><Body>` + b + `</Body>`, "only an optional Header, then one Body"},
		"extra element":        {`<Body>` + b + `</Body><x xmlns="urn:x"/>`, "only an optional Header, then one Body"},
		"text in envelope":     {`text<Body>` + b + `</Body>`, "SOAP Envelope holds text"},
		"empty body":           {`<Body></Body>`, "SOAP Body holds 0 elements, want exactly one deliverSecure"},
		"two children":         {`<Body>` + b + b + `</Body>`, "SOAP Body holds 2 elements"},
		"text in body":         {`<Body>x` + b + `</Body>`, "SOAP Body holds 1 elements and text"},
		"body in no namespace": {`<Body xmlns="" xml:xmlns="` + message.NSSOAP + `">` + b + `</Body>`, "SOAP Envelope holds {}Body"},
		"body under p:xmlns":   {`<Body xmlns="" xmlns:p="urn:p" p:xmlns="` + message.NSSOAP + `">` + b + `</Body>`, "SOAP Envelope holds {}Body"},
	} {
		_, err := Verify(env(tt.inner), opts(c))
		assert.ErrorIs(t, err, ErrMalformed, name)
		assert.ErrorContains(t, err, tt.reason, name)
	}
}

// Only xmlns and xmlns:p declare namespaces in what Verify reads: an
// element that only carries xml:xmlns or p:xmlns stays in its own
// namespace (none here), and the attribute counts as namespaced content.
func TestPrefixedXmlnsIsNoDeclaration(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`<SignedDelivery xml:xmlns="` + nsV3 + `"/>`,
		`<SignedDelivery xmlns:p="urn:p" p:xmlns="` + nsV3 + `"/>`,
	} {
		root, err := parseTree([]byte(doc), Limits{}.withDefaults())
		require.NoError(t, err)
		assert.Empty(t, root.ns, doc)
		_, err = Verify([]byte(doc), VerifyOptions{InsecureSkipChain: true})
		assert.ErrorContains(t, err, "root {}SignedDelivery is not a SignedDelivery", doc)
	}
	root, err := parseTree([]byte(`<a xmlns="urn:a" xmlns:p="urn:p" p:xmlns="urn:evil"><b/></a>`), Limits{}.withDefaults())
	require.NoError(t, err)
	kids, _ := elementChildren(root)
	assert.Equal(t, "urn:a", kids[0].ns)
	assert.ErrorContains(t, checkSignedContent(root), "attribute {urn:p}xmlns on a is namespace-qualified")
}
