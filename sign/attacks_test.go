package sign

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// attack is one known way to fool a verifier, kept as a golden file under
// testdata/attacks and refused with a specific error.
type attack struct {
	name     string
	build    func(t *testing.T, c *creds) []byte
	sentinel error
	reason   string // a phrase of the error
}

func replace1(t *testing.T, doc []byte, from, to string) []byte {
	t.Helper()
	require.Contains(t, string(doc), from)
	return bytes.Replace(doc, []byte(from), []byte(to), 1)
}

func sigOf(doc []byte) string {
	s := string(doc)
	return s[strings.LastIndex(s, "<Signature "):strings.LastIndex(s, "</")]
}

func signedDoc(t *testing.T, c *creds) []byte {
	s, _ := signedAndSealed(t, c)
	return s
}

var attacks = []attack{
	{"xsw-forged-root", func(t *testing.T, c *creds) []byte {
		// A forged delivery as root, the signed original tucked inside it.
		orig := signedDoc(t, c)
		evil := replace1(t, orig, "Beslut om bygglov", "Betala 10 000 kr till konto 1234")
		d := string(evil)
		delivery := d[strings.Index(d, "<Delivery>"):strings.Index(d, "<Signature ")]
		return []byte(`<SignedDelivery xmlns="` + nsV3 + `">` + delivery + string(orig) + `</SignedDelivery>`)
	}, ErrSignatureInvalid, "child 2 of SignedDelivery is SignedDelivery, want Signature"},
	{"xsw-signature-moved", func(t *testing.T, c *creds) []byte {
		orig := signedDoc(t, c)
		sig := sigOf(orig)
		moved := strings.Replace(string(orig), sig, "", 1)
		return []byte(strings.Replace(moved, "</Header><Message>", "</Header>"+sig+"<Message>", 1))
	}, ErrSignatureInvalid, "SignedDelivery has 1 child elements"},
	{"xsw-duplicate-signature", func(t *testing.T, c *creds) []byte {
		orig := signedDoc(t, c)
		return replace1(t, orig, "</SignedDelivery>", sigOf(orig)+"</SignedDelivery>")
	}, ErrSignatureInvalid, "SignedDelivery has 3 child elements"},
	{"signature-not-last", func(t *testing.T, c *creds) []byte {
		orig := signedDoc(t, c)
		sig := sigOf(orig)
		s := strings.Replace(string(orig), sig, "", 1)
		return []byte(strings.Replace(s, "<Delivery>", sig+"<Delivery>", 1))
	}, ErrSignatureInvalid, "child 1 of SignedDelivery is Signature, want Delivery"},
	{"xsw-extra-reference", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), "</Reference>", `</Reference><Reference URI="#evil"><DigestMethod Algorithm="`+AlgSHA256+`"></DigestMethod><DigestValue>AAAA</DigestValue></Reference>`)
	}, ErrSignatureInvalid, "exactly one Reference"},
	{"xsw-reference-to-id", func(t *testing.T, c *creds) []byte {
		doc := replace1(t, signedDoc(t, c), `<Reference URI="">`, `<Reference URI="#d1">`)
		return replace1(t, doc, `<SignedDelivery xmlns="`+nsV3+`">`, `<SignedDelivery xmlns="`+nsV3+`" Id="d1">`)
	}, ErrSignatureInvalid, `URI=""`},
	{"seal-over-swapped-delivery", func(t *testing.T, c *creds) []byte {
		// A valid seal, with the delivery under it swapped for another one
		// that the sender really signed.
		_, sealed := signedAndSealed(t, c)
		other := testDelivery()
		other.Messages[0].Subject = "Ett annat beslut"
		otherSigned, err := c.sender.SignDelivery(other)
		require.NoError(t, err)
		s := string(sealed)
		i, j := strings.Index(s, "<SignedDelivery>"), strings.Index(s, "</SignedDelivery>")+len("</SignedDelivery>")
		inner := strings.Replace(string(otherSigned), `<SignedDelivery xmlns="`+nsV3+`">`, "<SignedDelivery>", 1)
		return []byte(s[:i] + inner + s[j:])
	}, ErrSignatureInvalid, "verify seal signature: digest does not match"},
	{"comment-injection", func(t *testing.T, c *creds) []byte {
		// Exclusive C14N drops comments, so the digest still matches; a
		// reader that stops at the comment would see another subject.
		return replace1(t, signedDoc(t, c), "Beslut om bygglov", "Beslut om <!-- inte -->bygglov")
	}, ErrSignatureInvalid, "comments are not allowed"},
	{"processing-instruction", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), "<Subject>", "<Subject><?evil x?>")
	}, ErrSignatureInvalid, "processing instruction"},
	{"namespaced-attribute", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), "<Delivery>", `<Delivery xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Evil">`)
	}, ErrSignatureInvalid, "namespace-qualified"},
	{"transform-xpath", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), `</Transforms>`,
			`<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>not(ancestor-or-self::Subject)</XPath></Transform></Transforms>`)
	}, ErrAlgorithm, "Transforms must be enveloped-signature"},
	{"transform-xslt", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), `</Transforms>`,
			`<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"></xsl:stylesheet></Transform></Transforms>`)
	}, ErrAlgorithm, "Transforms must be enveloped-signature"},
	{"c14n-with-comments", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), `<CanonicalizationMethod Algorithm="`+AlgExcC14N+`">`, `<CanonicalizationMethod Algorithm="`+AlgExcC14N+`WithComments">`)
	}, ErrAlgorithm, "CanonicalizationMethod"},
	{"hmac-signature-method", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), AlgRSASHA256, "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256")
	}, ErrAlgorithm, "SignatureMethod"},
	{"downgrade-sha1", func(t *testing.T, c *creds) []byte {
		key, cert := c.pem(t, "sender.key"), c.pem(t, "sender.pem")
		unsigned, err := testDelivery().MarshalSignedDelivery()
		require.NoError(t, err)
		return conformance.Xmlsec1Sign(t, withTemplate(t, unsigned, sigTemplate(AlgRSASHA1, AlgSHA1, c.sender.subject)), key, cert)
	}, ErrAlgorithm, "needs AllowSHA1"},
	{"object-manifest", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), "</KeyInfo></Signature>", `</KeyInfo><Object><Manifest><Reference URI="http://evil.example/x"></Reference></Manifest></Object></Signature>`)
	}, ErrSignatureInvalid, "Signature has 4 child elements"},
	{"keyinfo-swapped", func(t *testing.T, c *creds) []byte {
		// The certificate in KeyInfo replaced by one from an untrusted CA
		// (another key): no certificate of KeyInfo verifies the signature,
		// so none is the signer.
		orig := signedDoc(t, c)
		return replace1(t, orig, c.sender.certB64, c.untrusted.certB64)
	}, ErrSignatureInvalid, "signature value does not verify with the key of the certificate"},
	{"untrusted-signer", func(t *testing.T, c *creds) []byte {
		s, err := c.untrusted.SignDelivery(testDelivery())
		require.NoError(t, err)
		return s
	}, ErrUntrustedCertificate, "unknown authority"},
	{"expired-certificate", func(t *testing.T, c *creds) []byte {
		s, err := c.expired.SignDelivery(testDelivery())
		require.NoError(t, err)
		return s
	}, ErrUntrustedCertificate, "expired"},
	{"dtd-entity-expansion", func(t *testing.T, c *creds) []byte {
		lol := `<!DOCTYPE SignedDelivery [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`
		return append([]byte(lol), replace1(t, signedDoc(t, c), "bygglov", "&c;")...)
	}, ErrMalformed, "DTD"},
	{"external-entity", func(t *testing.T, c *creds) []byte {
		xxe := `<!DOCTYPE SignedDelivery [<!ENTITY x SYSTEM "file:///etc/passwd">]>`
		return append([]byte(xxe), replace1(t, signedDoc(t, c), "bygglov", "&x;")...)
	}, ErrMalformed, "DTD"},
	{"depth-bomb", func(t *testing.T, c *creds) []byte {
		deep := strings.Repeat(`<a xmlns="urn:x">`, 5000) + strings.Repeat("</a>", 5000)
		return replace1(t, signedDoc(t, c), "<Language>", deep+"<Language>")
	}, ErrMalformed, "nest deeper"},
	{"namespace-uri-absorbs-declaration", func(t *testing.T, c *creds) []byte {
		// One declaration whose namespace name, written unescaped, would
		// read as the two the sender signed under inclusive C14N: the
		// canonical bytes would match while the tree differs.
		return replace1(t, readPeer(t, "c-signed-inclusive"), netDecls,
			` xmlns:xsd="http://www.w3.org/2001/XMLSchema&quot; xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance"`)
	}, ErrSignatureInvalid, "digest does not match"},
	{"xml-xmlns-soap-body", func(t *testing.T, c *creds) []byte {
		// A Body in no namespace, with an attribute xml:xmlns that a
		// lookup of "xmlns" under any prefix took for its namespace.
		env := string(soapEnvelope(wireBody(t, c)))
		env = strings.Replace(env, "<Body>", `<Body xmlns="" xml:xmlns="`+message.NSSOAP+`">`, 1)
		return []byte(env)
	}, ErrMalformed, "SOAP Envelope holds {}Body"},
	{"prefixed-xmlns-root", func(t *testing.T, c *creds) []byte {
		doc := replace1(t, signedDoc(t, c), `<SignedDelivery xmlns="`+nsV3+`">`, `<SignedDelivery xmlns:p="urn:p" p:xmlns="`+nsV3+`">`)
		return replace1(t, doc, "<Delivery>", `<Delivery xmlns="`+nsV3+`">`)
	}, ErrMalformed, "root {}SignedDelivery is not a SignedDelivery"},
	{"two-soap-bodies", func(t *testing.T, c *creds) []byte {
		// An unsigned delivery to another recipient first, the genuine
		// sealed one second: a reader of the first body and a verifier of
		// the last would each be satisfied.
		body := string(wireBody(t, c))
		forged := strings.Replace(body, "195303231855", "198101052382", 1)
		env := string(soapEnvelope([]byte(body)))
		return []byte(strings.Replace(env, "<Body>", "<Body>"+forged+"</Body><Body>", 1))
	}, ErrMalformed, "SOAP Envelope holds 2 Body elements, want exactly one"},
	{"transform-list-reversed", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), `<Transforms><Transform Algorithm="`+AlgEnveloped+`"></Transform></Transforms>`,
			`<Transforms><Transform Algorithm="`+AlgExcC14N+`"></Transform><Transform Algorithm="`+AlgEnveloped+`"></Transform></Transforms>`)
	}, ErrAlgorithm, "Transforms must be enveloped-signature"},
	{"transform-inclusive-c14n-stated", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), `</Transform></Transforms>`,
			`</Transform><Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"></Transform></Transforms>`)
	}, ErrAlgorithm, "Transforms must be enveloped-signature"},
	{"transform-list-swapped", func(t *testing.T, c *creds) []byte {
		// Signed under inclusive C14N (unused declarations digested), the
		// list rewritten to claim exclusive C14N.
		return replace1(t, readPeer(t, "c-signed-inclusive"), `<Transform Algorithm="`+AlgEnveloped+`"/>`,
			`<Transform Algorithm="`+AlgEnveloped+`"/><Transform Algorithm="`+AlgExcC14N+`"/>`)
	}, ErrSignatureInvalid, "digest does not match the signed content (canonicalised by exclusive C14N"},
	{"keyinfo-trusted-decoy-first", func(t *testing.T, c *creds) []byte {
		// Signed by an untrusted key, with a trusted certificate placed
		// first in KeyInfo: the signer is the certificate whose key
		// verifies, and its chain is what is checked.
		s, err := c.untrusted.SignDelivery(testDelivery())
		require.NoError(t, err)
		return replace1(t, s, "<X509Certificate>", "<X509Certificate>"+c.sender.certB64+"</X509Certificate><X509Certificate>")
	}, ErrUntrustedCertificate, "certificate signed by unknown authority"},
	{"keyinfo-many-certificates", func(t *testing.T, c *creds) []byte {
		more := strings.Repeat("<X509Certificate>"+c.untrusted.certB64+"</X509Certificate>", maxKeyInfoCerts)
		return replace1(t, signedDoc(t, c), "</X509Data>", more+"</X509Data>")
	}, ErrUntrustedCertificate, "more than 8 certificates"},
	{"ecdsa-signature-method", func(t *testing.T, c *creds) []byte {
		key, cert := c.pem(t, "ecdsa.key"), c.pem(t, "ecdsa.pem")
		unsigned, err := testDelivery().MarshalSignedDelivery()
		require.NoError(t, err)
		tmpl := sigTemplateWith([]string{AlgEnveloped}, AlgECDSASHA256, AlgSHA256, c.sender.subject)
		return conformance.Xmlsec1Sign(t, withTemplate(t, unsigned, tmpl), key, cert)
	}, ErrAlgorithm, "operators check RSA signatures only"},
	{"attributes-many", func(t *testing.T, c *creds) []byte {
		return replace1(t, signedDoc(t, c), "<Delivery>", "<Delivery"+numberedAttrs(5000)+">")
	}, ErrMalformed, "more than 256 attributes"},
	{"attributes-many-in-soap-header", func(t *testing.T, c *creds) []byte {
		// Outside the signed content, readable with no key at all.
		env := soapEnvelope(wireBody(t, c))
		return replace1(t, env, "<Header></Header>", `<Header><x xmlns="urn:x"`+numberedAttrs(5000)+`/></Header>`)
	}, ErrMalformed, "more than 256 attributes"},
}

// wireBody is the deliverSecure element of a genuine sealed delivery.
func wireBody(t *testing.T, c *creds) []byte {
	_, sealed := signedAndSealed(t, c)
	body, err := AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	return body
}

// numberedAttrs returns n distinct attributes a0="v" a1="v" ….
func numberedAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d="v"`, i)
	}
	return b.String()
}

// TestGenerateAttacks rewrites the golden files with -update.
func TestGenerateAttacks(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/attacks")
	}
	c := testCreds(t)
	for _, a := range attacks {
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "attacks", a.name+".xml"), a.build(t, c), 0o644), a.name)
	}
}

func TestAttacksAreRefused(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	files, err := filepath.Glob(filepath.Join("testdata", "attacks", "*.xml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".xml"))
	}
	sort.Strings(names)
	var want []string
	for _, a := range attacks {
		want = append(want, a.name)
	}
	sort.Strings(want)
	require.Equal(t, want, names, "every attack has a golden file and every golden file an expectation")
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			doc, err := os.ReadFile(filepath.Join("testdata", "attacks", a.name+".xml"))
			require.NoError(t, err)
			v, err := Verify(doc, opts(c))
			require.Error(t, err)
			assert.Nil(t, v)
			assert.ErrorIs(t, err, a.sentinel)
			assert.Contains(t, err.Error(), a.reason)
		})
	}
}

// The downgrade file is a genuine rsa-sha1 signature: refused only for the
// algorithm, accepted once SHA-1 is explicitly allowed.
func TestDowngradeFileIsGenuine(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	doc, err := os.ReadFile(filepath.Join("testdata", "attacks", "downgrade-sha1.xml"))
	require.NoError(t, err)
	o := opts(c)
	o.AllowSHA1 = true
	_, err = Verify(doc, o)
	assert.NoError(t, err)
}
