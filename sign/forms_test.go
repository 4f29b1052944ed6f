package sign

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// This file builds the forms other implementations send, for tests:
// prefixed, pretty-printed, inside a SOAP envelope, signed by xmlsec1 from a
// template.

// sigTemplate is an empty enveloped signature for xmlsec1 to fill, with the
// older transform list [enveloped-signature, exc-c14n].
func sigTemplate(sigAlg, digestAlg, subject string) string {
	return sigTemplateWith([]string{AlgEnveloped, AlgExcC14N}, sigAlg, digestAlg, subject)
}

// profileTemplate is the template of the reference senders' profile: one
// Transform, enveloped-signature, rsa-sha256 and sha256.
func profileTemplate(subject string) string {
	return sigTemplateWith([]string{AlgEnveloped}, AlgRSASHA256, AlgSHA256, subject)
}

// sigTemplateWith is an empty enveloped signature with the given
// transforms.
func sigTemplateWith(transforms []string, sigAlg, digestAlg, subject string) string {
	var tr strings.Builder
	for _, a := range transforms {
		tr.WriteString(`<Transform Algorithm="` + a + `"/>`)
	}
	return `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>` +
		`<CanonicalizationMethod Algorithm="` + AlgExcC14N + `"/>` +
		`<SignatureMethod Algorithm="` + sigAlg + `"/>` +
		`<Reference URI=""><Transforms>` + tr.String() + `</Transforms>` +
		`<DigestMethod Algorithm="` + digestAlg + `"/><DigestValue/></Reference></SignedInfo>` +
		`<SignatureValue/><KeyInfo><X509Data><X509SubjectName>` + subject + `</X509SubjectName><X509Certificate/></X509Data></KeyInfo></Signature>`
}

// withTemplate inserts a signature template as the last child of the root
// element of doc.
func withTemplate(t testing.TB, doc []byte, tmpl string) []byte {
	t.Helper()
	i := bytes.LastIndex(doc, []byte("</"))
	require.Positive(t, i)
	return append(append(append([]byte{}, doc[:i]...), tmpl...), doc[i:]...)
}

// prettyPrint indents a document (adding white space between elements that
// a signature made afterwards covers).
func prettyPrint(t testing.TB, doc []byte) []byte {
	t.Helper()
	d := etree.NewDocument()
	require.NoError(t, d.ReadFromBytes(doc))
	d.Indent(2)
	out, err := d.WriteToBytes()
	require.NoError(t, err)
	return out
}

// prefixify rewrites a prefix-free document the way SOAP stacks write
// documents: every namespace gets a prefix, all declared on the root. The
// content is unchanged, so signatures over the prefix-free form still hold
// once the prefixes are stripped again.
func prefixify(t testing.TB, doc []byte) []byte {
	t.Helper()
	d := etree.NewDocument()
	require.NoError(t, d.ReadFromBytes(doc))
	prefixes := map[string]string{}
	var walk func(el *etree.Element, inherited string)
	walk = func(el *etree.Element, inherited string) {
		ns := inherited
		if a := el.SelectAttr("xmlns"); a != nil {
			ns = a.Value
			el.RemoveAttr("xmlns")
		}
		p, ok := prefixes[ns]
		if !ok {
			p = fmt.Sprintf("ns%d", len(prefixes)+2)
			prefixes[ns] = p
		}
		el.Space = p
		for _, c := range el.ChildElements() {
			walk(c, ns)
		}
	}
	root := d.Root()
	walk(root, "")
	for ns, p := range prefixes {
		root.CreateAttr("xmlns:"+p, ns)
	}
	out, err := d.WriteToBytes()
	require.NoError(t, err)
	return out
}

// soapEnvelope wraps a body element in a SOAP 1.1 envelope.
func soapEnvelope(body []byte) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header></Header><Body>` +
		string(body) + `</Body></Envelope>`)
}

// unsignedSeal builds a SealedDelivery around a signed delivery with a
// signature template, for xmlsec1 to seal.
func unsignedSeal(signed []byte, tmpl string) []byte {
	inner := strings.Replace(string(signed), `<SignedDelivery xmlns="`+nsV3+`">`, "<SignedDelivery>", 1)
	return []byte(`<SealedDelivery xmlns="` + nsV3 + `">` + inner +
		`<Seal><ReceivedTime xmlns="` + nsMsg + `">2026-06-01</ReceivedTime><SignaturesOK xmlns="` + nsMsg + `">true</SignaturesOK></Seal>` +
		tmpl + `</SealedDelivery>`)
}
