package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds the differential test of issue 13.1: for every document
// Verify accepts, an independent parser reading the same bytes must see the
// content Verify reports, and what a forwarder would seal must say the
// same. The documents are laid out by someone without any key, who
// controls what no signature covers: text written as CDATA or character
// references, namespace names, attribute values, text and comments in the
// SOAP Header and in a signature's KeyInfo.

// hostile says how a genuine delivery is laid out.
type hostile struct {
	subject string // signed: the Subject the sender signs
	ns      string // the namespace name of an element in KeyInfo and the Header, as written
	attr    string // an attribute value there, as written
	ref     string // text there, as written (references and all)
	cdata   string // a CDATA section's content there
	comment string // a comment's content, before the root and in the Header
	sealed  bool   // sealed, in a SOAP envelope; else a standalone SignedDelivery
}

var hostileCases = []hostile{
	{subject: "Beslut om bygglov", ns: "urn:x", attr: "v", ref: "t", cdata: "c", comment: "k"},
	{subject: "Beslut & <beslut>", ns: "urn:x", attr: "v", ref: "t", cdata: "c", comment: "k", sealed: true},
	// A namespace name that, written unescaped, closes its declaration
	// and adds a recipient.
	{subject: "Beslut", ns: `urn:x&quot;&gt;&lt;Recipient xmlns=&quot;http://minameddelanden.gov.se/schema/Message/v2&quot;&gt;198101052382&lt;/Recipient&gt;&lt;x a=&quot;`,
		attr: `&quot;/&gt;&lt;/X509IssuerSerial&gt;`, ref: "&lt;/Signature&gt;&lt;/SignedDelivery&gt;", cdata: "</SignedDelivery>", comment: "a - b"},
	{subject: "Beslut", ns: `urn:x&#34;&#62;&#60;!--`, attr: "&#9;&#10;&#13;&lt;&amp;", ref: "&#x10FFFF;]]&gt;", cdata: "]]]]><![CDATA[>", comment: " --> ", sealed: true},
	{subject: "Ärende\tnr 5 ]]> &amp;", ns: "urn:&amp;", attr: "'", ref: "&apos;", cdata: "<!-- -->", comment: "<x/>"},
}

// build lays the delivery out; the signatures hold whatever the strings.
func (h hostile) build(t testing.TB, c *creds) []byte {
	t.Helper()
	m := testMessage()
	m.Subject = h.subject
	signed, err := c.sender.SignDelivery(message.NewDelivery(testSender(), m))
	if err != nil {
		signed, err = c.sender.SignDelivery(testDelivery())
		require.NoError(t, err)
	}
	island := `<X509IssuerSerial><z:x xmlns:z="` + h.ns + `" a="` + h.attr + `">` + h.ref + `<![CDATA[` + h.cdata + `]]></z:x></X509IssuerSerial>`
	// Into the KeyInfo of the outermost signature, which no digest covers.
	intoKeyInfo := func(doc []byte) []byte {
		i := bytes.LastIndex(doc, []byte("</X509Data>"))
		return append(append(append([]byte{}, doc[:i]...), island...), doc[i:]...)
	}
	if !h.sealed {
		return append([]byte("<!--"+h.comment+"-->"), intoKeyInfo(rewriteSubject(t, signed))...)
	}
	sealed, err := c.sender.Seal(signed, verifyAt)
	require.NoError(t, err)
	body, err := AppendDeliverSecure(nil, intoKeyInfo(rewriteSubject(t, sealed)))
	require.NoError(t, err)
	header := `<h:x xmlns:h="` + h.ns + `" a="` + h.attr + `"><!--` + h.comment + `-->` + h.ref + `<![CDATA[` + h.cdata + `]]></h:x>`
	return bytes.Replace(soapEnvelope(body), []byte("<Header></Header>"), []byte("<Header>"+header+"</Header>"), 1)
}

// rewriteSubject writes the signed Subject's first character as a
// character reference and the rest as CDATA where it can: other bytes, the
// same canonical form.
func rewriteSubject(t testing.TB, doc []byte) []byte {
	t.Helper()
	i := bytes.Index(doc, []byte("<Subject>")) + len("<Subject>")
	j := bytes.Index(doc, []byte("</Subject>"))
	var s string
	require.NoError(t, xml.Unmarshal([]byte("<s>"+string(doc[i:j])+"</s>"), &s))
	if s == "" || strings.Contains(s, "]]>") || strings.ContainsRune(s, '\r') {
		return doc
	}
	r, n := utf8.DecodeRuneInString(s)
	text := fmt.Sprintf("&#x%X;<![CDATA[%s]]>", r, s[n:])
	return append(append(append([]byte{}, doc[:i]...), text...), doc[j:]...)
}

// facts are what a reader of a delivery cares about, as encoding/xml
// reads them.
type facts struct {
	deliveries        int // SignedDelivery elements
	sender, recipient string
	messages          []string // id|subject|attachments
	islands           []string // {ns}x elements in the SignedDelivery's signature: namespace|a|text
}

// readFacts reads doc with encoding/xml, a parser independent of the
// package under test.
func readFacts(doc []byte) (facts, error) {
	var f facts
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var path []xml.Name
	var attrA []string // attribute a of each open element
	var text strings.Builder
	var msg, atts []string
	var att []string
	in := -1 // index in path of the SignedDelivery being read
	rel := func(names ...string) bool {
		if in < 0 || len(path)-in-1 != len(names) {
			return false
		}
		for i, n := range names {
			if path[in+1+i].Local != n {
				return false
			}
		}
		return true
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return f, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name)
			a := ""
			for _, at := range tok.Attr {
				if at.Name == (xml.Name{Local: "a"}) {
					a = at.Value
				}
			}
			attrA = append(attrA, a)
			text.Reset()
			switch {
			case tok.Name == xml.Name{Space: nsV3, Local: "SignedDelivery"}:
				f.deliveries++
				in = len(path) - 1
			case rel("Delivery", "Message"):
				msg, atts = nil, nil
			case rel("Delivery", "Message", "Attachment"):
				att = nil
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			s := text.String()
			n := path[len(path)-1]
			switch {
			case rel("Delivery", "Header", "Sender", "Id") && n.Space == message.NSSender:
				f.sender = s
			case rel("Delivery", "Header", "Recipient") && n.Space == message.NSMessageV2:
				f.recipient = s
			case rel("Delivery", "Message", "Header", "Id"), rel("Delivery", "Message", "Header", "Subject"):
				msg = append(msg, s)
			case rel("Delivery", "Message", "Attachment", "ContentType"), rel("Delivery", "Message", "Attachment", "Filename"):
				att = append(att, s)
			case rel("Delivery", "Message", "Attachment", "Body"):
				data, err := decodeB64(s)
				if err != nil {
					return f, err
				}
				sum := sha256.Sum256(data)
				att = append(att, hex.EncodeToString(sum[:]))
			case rel("Delivery", "Message", "Attachment"):
				atts = append(atts, strings.Join(att, "|"))
			case rel("Delivery", "Message"):
				f.messages = append(f.messages, strings.Join(append(msg, atts...), "|"))
			case in >= 0 && n.Local == "x" && len(path) > in+1 && path[in+1].Local == "Signature":
				f.islands = append(f.islands, n.Space+"|"+attrA[len(attrA)-1]+"|"+s)
			}
			if len(path)-1 == in {
				in = -1
			}
			path, attrA = path[:len(path)-1], attrA[:len(attrA)-1]
			text.Reset()
		}
	}
}

// factsOf are the facts Verify reports.
func factsOf(v *Verified) facts {
	f := facts{deliveries: 1, sender: string(v.Delivery.Sender.ID)}
	for _, m := range v.Delivery.Messages {
		f.recipient = string(m.Recipient)
		parts := []string{m.ID, m.Subject}
		for _, a := range m.Attachments {
			sum := sha256.Sum256(a.Data)
			parts = append(parts, a.ContentType+"|"+hex.EncodeToString(sum[:])+"|"+a.Filename)
		}
		f.messages = append(f.messages, strings.Join(parts, "|"))
	}
	return f
}

// checkDifferential verifies doc and, when Verify accepts it, holds what
// it reports against encoding/xml's reading of the same bytes, and of what
// a forwarder would seal. It reports whether doc was accepted.
func checkDifferential(t testing.TB, c *creds, doc []byte) bool {
	t.Helper()
	v, err := Verify(doc, opts(c))
	if err != nil {
		return false
	}
	want := factsOf(v)
	got, err := readFacts(doc)
	require.NoError(t, err, "encoding/xml refuses a document Verify accepted")
	require.Equal(t, 1, got.deliveries, "one SignedDelivery in an accepted document")
	islands := got.islands
	got.islands = nil
	require.Equal(t, want, got, "Verify and encoding/xml read different content")

	// What a forwarder seals: the same content, the same unsigned
	// islands, well formed, and it verifies again.
	fwd, err := readFacts(v.SignedDelivery)
	require.NoError(t, err, "the form to seal is not well formed: %q", v.SignedDelivery)
	assert.Equal(t, 1, fwd.deliveries)
	assert.Equal(t, islands, fwd.islands, "unsigned content changed on its way to the seal")
	fwd.islands = nil
	require.Equal(t, want, fwd)
	again, err := Verify(v.SignedDelivery, opts(c))
	require.NoError(t, err)
	require.Equal(t, v.Delivery, again.Delivery)
	sealed, err := c.intermediary.Seal(v.SignedDelivery, verifyAt)
	require.NoError(t, err)
	sv, err := Verify(sealed, opts(c))
	require.NoError(t, err)
	require.Equal(t, v.Delivery, sv.Delivery)
	sf, err := readFacts(sealed)
	require.NoError(t, err)
	sf.islands = nil
	require.Equal(t, want, sf)
	return true
}

// Every hostile layout above is accepted — no signature covers what it
// changes — and read alike by Verify and by encoding/xml, before and
// after a forwarder seals it.
func TestVerifiedContentMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	for i, h := range hostileCases {
		doc := h.build(t, c)
		assert.True(t, checkDifferential(t, c, doc), "case %d refused:\n%s", i, doc)
	}
}

// FuzzVerifyDifferential runs the differential check on layouts built
// from the fuzzer's strings: namespace names, attribute values, text with
// references, CDATA, comments, and the signed Subject.
func FuzzVerifyDifferential(f *testing.F) {
	for _, h := range hostileCases {
		f.Add(h.subject, h.ns, h.attr, h.ref, h.cdata, h.comment, h.sealed)
	}
	c := testCreds(f)
	f.Fuzz(func(t *testing.T, subject, ns, attr, ref, cdata, comment string, sealed bool) {
		if len(subject)+len(ns)+len(attr)+len(ref)+len(cdata)+len(comment) > 4096 {
			return
		}
		h := hostile{subject: subject, ns: ns, attr: attr, ref: ref, cdata: cdata, comment: comment, sealed: sealed}
		checkDifferential(t, c, h.build(t, c))
	})
}

// xmllint, another independent reader, reads from every hostile layout
// the sender, recipient, message, subject and attachment Verify reports,
// in the one SignedDelivery there is.
func TestVerifiedContentMatchesXmllint(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	q := conformance.Elem
	sd := "//" + q(nsV3, "SignedDelivery")
	msg := sd + "/" + q(nsV3, "Delivery") + "/" + q(nsV3, "Message")
	att := msg + "/" + q(nsV3, "Attachment")
	for i, h := range hostileCases {
		doc := h.build(t, c)
		v, err := Verify(doc, opts(c))
		require.NoError(t, err, i)
		m := v.Delivery.Messages[0]
		a := m.Attachments[0]
		for expr, want := range map[string]string{
			"count(" + sd + ")": "1",
			"string(" + sd + "/" + q(nsV3, "Delivery") + "/" + q(nsV3, "Header") + "/" + q(message.NSMessageV2, "Sender") + "/" + q(message.NSSender, "Id") + ")": string(v.Delivery.Sender.ID),
			"string(" + sd + "/" + q(nsV3, "Delivery") + "/" + q(nsV3, "Header") + "/" + q(message.NSMessageV2, "Recipient") + ")":                                string(m.Recipient),
			"string(" + msg + "/" + q(nsV3, "Header") + "/" + q(nsV3, "Id") + ")":                                                                                 m.ID,
			"string(" + msg + "/" + q(nsV3, "Header") + "/" + q(nsV3, "Subject") + ")":                                                                            m.Subject,
			"count(" + att + ")": "1",
			"string(" + att + "/" + q(nsMsg, "Filename") + ")":    a.Filename,
			"string(" + att + "/" + q(nsMsg, "ContentType") + ")": a.ContentType,
		} {
			got, err := conformance.XPath(t, doc, expr)
			require.NoError(t, err, expr)
			assert.Equal(t, want, got, "case %d: %s", i, expr)
		}
		body, err := conformance.XPath(t, doc, "string("+att+"/"+q(nsMsg, "Body")+")")
		require.NoError(t, err)
		data, err := decodeB64(body)
		require.NoError(t, err)
		assert.Equal(t, a.Data, data, "case %d: attachment content", i)
	}
}
