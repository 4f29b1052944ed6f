package opverify_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/dsigtest"
	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rule(err error) opverify.Rule {
	var e *opverify.Error
	if errors.As(err, &e) {
		return e.Rule
	}
	return ""
}

// The requests the SDK writes pass the operator's checks: classes 2 and 3,
// attachments, metadata, an official matter, several messages, text with
// Windows line ends and characters to escape.
func TestSDKRequestsPass(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	signer, err := sign.NewSigner(p.rsa.Key, p.rsa.Chain)
	require.NoError(t, err)
	at := time.Now()
	rich := func() *message.Message {
		m := testMessage()
		m.Class = 2
		m.Subject = "Beslut & <besked>\r\nom bygglov"
		m.Support = message.SupportInfo{Text: "Ring oss:\r\n08-123 45 67\rvardagar", URL: "https://kommun.example/?a=1&b=2", Phone: "08-123 45 67", Email: "fragor@kommun.example"}
		m.Reference, m.CorrelationID, m.Attention = "KST\r\n4711", "ärende 17", "Bygglov"
		m.Metadata = []message.Metadata{{Tag: "dnr", Value: "BN 2026/17\r\n"}, {Tag: "tom", Value: ""}}
		m.OfficialMatter = &message.OfficialMatter{Timestamp: at, EventID: "e1", MatterSubject: "Bygglov\r\n"}
		m.Attachments = append(m.Attachments, message.Attachment{Filename: "bilaga.pdf", ContentType: message.ContentTypePDF, Data: bytes.Repeat([]byte("%PDF\r\n"), 5000)})
		return m.SetDefaults()
	}
	second := rich()
	second.ID = ""
	second.SetDefaults()
	cases := map[string]*message.Delivery{
		"class 3":          message.NewDelivery(p.sender, testMessage().SetDefaults()),
		"class 2, rich":    message.NewDelivery(p.sender, rich()),
		"several messages": message.NewDelivery(p.sender, rich(), second),
	}
	for name, d := range cases {
		req, err := forward.DeliverSecureRequest(d, signer, signer, at)
		require.NoError(t, err, name)
		assert.NoError(t, opverify.Verify(req), name)
		assert.NotContains(t, string(req), "&#xD;", name)
		_, err = sign.Verify(req, sign.VerifyOptions{Roots: p.ca.Pool(), At: at})
		assert.NoError(t, err, name)
	}
}

// A request in the exact layout of the operator's own test request — an
// XML declaration, p1 to p7 declared on p6:Envelope, rsa-sha1, a seal date
// with a time zone, a PDF attachment — built and signed here, passes the
// operator's checks and the SDK's verifier (SHA-1 allowed).
func TestOperatorLayoutPasses(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	m := testMessage()
	m.Subject = "Välkommen till bruket"
	m.Support = message.SupportInfo{Text: "Kontakta inte mäj!", URL: "http://dev.null/"}
	m.Reference, m.CorrelationID, m.Attention = "minimal_l", "some-uid", "198101032384"
	doc := unsigned(t, p, m)
	sha1 := p.good
	sha1.SignatureMethod = dsigtest.RSASHA1
	signed, err := sha1.Sign(doc)
	require.NoError(t, err)
	sealed, err := sha1.Sign(dsigtest.SealedDelivery(signed, "2023-10-11+02:00"))
	require.NoError(t, err)
	req, err := dsigtest.Request(operatorLayout(t), sealed)
	require.NoError(t, err)
	req = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), req...)

	head := `<?xml version="1.0" encoding="UTF-8"?><p6:Envelope xmlns:p1="` + message.NSMessage + `" xmlns:p2="` + message.NSMessageV2 +
		`" xmlns:p3="` + message.NSMessageV3 + `" xmlns:p4="` + message.NSSender + `" xmlns:p5="` + message.NSServiceV3 +
		`" xmlns:p6="` + message.NSSOAP + `" xmlns:p7="` + message.NSDSig + `"><p6:Body><p5:deliverSecure><p5:deliverSecure><p3:SignedDelivery><p3:Delivery><p3:Header><p2:Sender><p4:Id>162021004748</p4:Id>`
	require.True(t, strings.HasPrefix(string(req), head), "%.600s", req)
	assert.Contains(t, string(req), `</p7:Signature></p3:SignedDelivery><p3:Seal><p1:ReceivedTime>2023-10-11+02:00</p1:ReceivedTime>`)
	assert.True(t, strings.HasSuffix(string(req), `</p7:Signature></p5:deliverSecure></p5:deliverSecure></p6:Body></p6:Envelope>`))

	assert.NoError(t, opverify.Verify(req))
	v, err := sign.Verify(req, sign.VerifyOptions{Roots: p.ca.Pool(), At: time.Now(), AllowSHA1: true})
	require.NoError(t, err)
	assert.Equal(t, "Välkommen till bruket", v.Delivery.Messages[0].Subject)
	assert.Len(t, v.Levels, 2)
}

// One row per rule of the operator's verifier, each refused for that rule.
func TestRefusals(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	R := wireform.Readable()
	doc := unsigned(t, p, testMessage())
	good := p.good
	with := func(f func(*dsigtest.Profile)) dsigtest.Profile {
		q := good
		f(&q)
		return q
	}
	cr := bytes.Replace(doc, []byte("<Text>Frågor?"), []byte("<Text>Frågor?&#xD;"), 1)
	require.NotEqual(t, doc, cr)
	oldForm := func() []byte {
		_, sealed := sdkSealed(t, p)
		body, err := sign.AppendDeliverSecure(nil, sealed)
		require.NoError(t, err)
		return soap.AppendEnvelope(nil, body)
	}()
	cases := []struct {
		name string
		req  []byte
		want opverify.Rule
	}{
		{"not XML", []byte("<soap:Envelope"), opverify.RuleMalformed},
		{"a DTD", append([]byte(`<!DOCTYPE x [<!ENTITY a "b">]>`), request(t, R, good, good, doc, nil)...), opverify.RuleMalformed},
		{"the unprefixed wire form", oldForm, opverify.RuleNoSignature},
		{"an unprefixed sender signature", request(t, R, good, good, doc, dsigtest.UnprefixFirstSignature), opverify.RuleUnprefixedSignature},
		{"ECDSA", request(t, R, p.ecSigner, good, doc, nil), opverify.RuleKeyNotRSA},
		{"an EC key under rsa-sha256", request(t, R, with(func(q *dsigtest.Profile) { q.Certs = p.ec.Chain[:1] }), good, doc, nil), opverify.RuleKeyNotRSA},
		{"an unknown signature method", request(t, R, good, good, doc, replaceLast(t, dsigtest.RSASHA256, "urn:hmac")), opverify.RuleSignatureMethod},
		{"inclusive C14N", request(t, R, with(func(q *dsigtest.Profile) { q.Canonicalization = dsigtest.C14N }), good, doc, nil), opverify.RuleCanonicalization},
		{"two Transforms", request(t, R, with(func(q *dsigtest.Profile) { q.Transforms = []string{dsigtest.Enveloped, dsigtest.ExcC14N} }), good, doc, nil), opverify.RuleTransforms},
		{"no Transform", request(t, R, good, with(func(q *dsigtest.Profile) { q.Transforms = []string{} }), doc, nil), opverify.RuleTransforms},
		{"a Reference to an ID", request(t, R, good, with(func(q *dsigtest.Profile) { q.Transforms = []string{dsigtest.ExcC14N} }), doc, replaceLast(t, `URI=""`, `URI="#x"`)), opverify.RuleTransforms},
		{"two References", request(t, R, good, good, doc, replaceLast(t, `</ds:Reference>`, `</ds:Reference><ds:Reference URI=""></ds:Reference>`)), opverify.RuleReference},
		{"a second deliverSecure beside the signed one", request(t, R, good, good, doc, replace(t, "</svc3:deliverSecure></svc3:deliverSecure>", "</svc3:deliverSecure><svc3:deliverSecure></svc3:deliverSecure></svc3:deliverSecure>")), opverify.RuleSignedElement},
		{"a second SignedDelivery beside the first", request(t, R, good, good, doc, replace(t, "<msg3:Seal>", "<msg3:SignedDelivery></msg3:SignedDelivery><msg3:Seal>")), opverify.RuleDigest},
		{"no Message/v3 prefix on deliverSecure", request(t, R, good, good, doc, replace(t, "<svc3:deliverSecure><svc3:deliverSecure>", `<svc3:deliverSecure><svc3:deliverSecure xmlns:msg3="urn:other">`)), opverify.RuleMessageV3Prefix},
		{"a processing instruction", request(t, R, good, good, doc, replace(t, "<msg3:Text>", "<msg3:Text><?pi x?>")), opverify.RuleProcessingInstruction},
		{"&#xD; in signed text", request(t, R, good, good, cr, nil), opverify.RuleCarriageReturn},
		{"changed text", request(t, R, good, good, doc, replace(t, "Frågor?", "Frågor!")), opverify.RuleDigest},
		{"indentation", request(t, R, good, good, doc, replace(t, "<msg3:Message>", "<msg3:Message>\n  ")), opverify.RuleDigest},
		{"two certificates", request(t, R, good, with(func(q *dsigtest.Profile) { q.Certs = p.rsa.Chain }), doc, nil), opverify.RuleCertificate},
		{"no SignatureValue", request(t, R, good, good, doc, func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("<ds:SignatureValue>"))
			j := bytes.LastIndex(b, []byte("</ds:SignatureValue>")) + len("</ds:SignatureValue>")
			return append(append([]byte{}, b[:i]...), b[j:]...)
		}), opverify.RuleSignatureValue},
		{"a changed signature value", request(t, R, good, good, doc, func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte("<ds:SignatureValue>")) + len("<ds:SignatureValue>")
			out := append([]byte{}, b...)
			// Another base64 letter: the value still decodes, to other bytes.
			if out[i+4] == 'A' {
				out[i+4] = 'B'
			} else {
				out[i+4] = 'A'
			}
			return out
		}), opverify.RuleSignature},
	}
	for _, c := range cases {
		err := opverify.Verify(c.req)
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, opverify.ErrRefused, c.name)
		assert.Equal(t, c.want, rule(err), "%s: %v", c.name, err)
	}
}

// The seal is checked before the sender's signature, as at the operator:
// a change under both is reported against the seal (signature 1).
func TestSealIsCheckedFirst(t *testing.T) {
	t.Parallel()
	p := testPKI(t)
	req := request(t, wireform.Readable(), p.good, p.good, unsigned(t, p, testMessage()), replace(t, "Frågor?", "Frågor!"))
	var e *opverify.Error
	require.ErrorAs(t, opverify.Verify(req), &e)
	assert.Equal(t, 1, e.Signature)
	assert.Contains(t, e.Error(), "signature 1: rule digest")
}

// Documents gives the standalone documents the signatures were computed
// over: the SDK's own SealedDelivery and SignedDelivery, byte for byte.
func TestDocumentsAreTheSignedForms(t *testing.T) {
	t.Parallel()
	signed, sealed := sdkSealed(t, testPKI(t))
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	docs, err := opverify.Documents(req)
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, string(sealed), string(docs[0]))
	assert.Equal(t, string(signed), string(docs[1]))
}
