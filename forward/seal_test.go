package forward_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireCount reads doc with encoding/xml — independent of package sign —
// and counts the SignedDelivery and Recipient elements, and collects the
// namespace names of elements named x (the unsigned islands below).
func wireCount(t *testing.T, doc []byte) (deliveries int, recipients []string, islands []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var text strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, "encoding/xml refuses %q", doc)
		switch tok := tok.(type) {
		case xml.StartElement:
			text.Reset()
			switch tok.Name {
			case xml.Name{Space: message.NSMessageV3, Local: "SignedDelivery"}:
				deliveries++
			}
			if tok.Name.Local == "x" {
				islands = append(islands, tok.Name.Space)
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			if tok.Name.Local == "Recipient" {
				recipients = append(recipients, tok.Name.Space+" "+text.String())
			}
		}
	}
}

// The intermediary path seals exactly the bytes it verified. A signed
// delivery reaches DeliverSecure laid out by someone without any key —
// an element in the sender's unsigned KeyInfo whose namespace name, if
// written unescaped, would add a second recipient or end the document;
// a comment before the root; the signed Subject as a character reference
// and CDATA — and the request sent carries the verified SignedDelivery
// byte for byte, reads alike in encoding/xml, and delivers to the one
// recipient signed for.
func TestDeliverSecureSealsOnlyTheVerifiedBytes(t *testing.T) {
	t.Parallel()
	// What is checked here is what the SDK seals, so the operator checks
	// as the SDK does. A real operator would refuse the third case: its
	// verifier writes a tab or line feed in an attribute value (here a
	// namespace name) unescaped, so its digest differs from the sender's;
	// DeliverSecure refuses it before sending (ErrOperatorProfile).
	infra := fakeinfra.Start(t, fakeinfra.WithOperatorStrictness(fakeinfra.AfterSOAPDecoding))
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.Mailbox("kivra")))
	c := newClient(t, infra)
	kivra := operator(t, infra, "kivra")
	signed, err := infra.SenderSigner().SignDelivery(delivery(infra, alice))
	require.NoError(t, err)
	v2 := message.NSMessageV2
	islands := []string{
		`urn:x&quot;&gt;&lt;/X509IssuerSerial&gt;&lt;/X509Data&gt;&lt;/KeyInfo&gt;&lt;/Signature&gt;&lt;Recipient xmlns=&quot;` + v2 + `&quot;&gt;` + bob + `&lt;/Recipient&gt;&lt;x a=&quot;`,
		`urn:x&#34;/&gt;&lt;/SignedDelivery&gt;&lt;!--`,
		`urn:&amp;&lt;&#9;&#10;`,
	}
	for i, ns := range islands {
		doc := bytes.Replace(signed, []byte("</X509Data>"),
			[]byte(`<X509IssuerSerial><z:x xmlns:z="`+ns+`" a="&quot;&lt;">&lt;/SignedDelivery&gt;<![CDATA[</SignedDelivery>]]></z:x></X509IssuerSerial></X509Data>`), 1)
		doc = bytes.Replace(doc, []byte("<Subject>B"), []byte("<Subject>&#x42;"), 1)
		doc = append([]byte("<!-- "+bob+" -->"), doc...)

		verified, err := sign.Verify(doc, sign.VerifyOptions{Roots: infra.Roots(), At: infra.Now()})
		require.NoError(t, err, "case %d: nothing signed was changed", i)
		_, _, inIslands := wireCount(t, doc)
		require.Len(t, inIslands, 1)

		proof, err := c.DeliverSecure(context.Background(), kivra, doc)
		if strings.Contains(ns, "&#9;") {
			require.ErrorIs(t, err, forward.ErrOperatorProfile, "case %d: the operators' verifier would refuse it", i)
			continue
		}
		require.NoError(t, err, i)
		sent, err := sign.Verify(proof.Request, sign.VerifyOptions{Roots: infra.Roots(), At: infra.Now()})
		require.NoError(t, err, "case %d: the request sent verifies", i)
		assert.Equal(t, verified.SignedDelivery, sent.SignedDelivery, "case %d: the sealed SignedDelivery is the verified one, byte for byte", i)
		assert.Equal(t, verified.Delivery, sent.Delivery, i)

		deliveries, recipients, outIslands := wireCount(t, proof.Request)
		assert.Equal(t, 1, deliveries, i)
		assert.Equal(t, []string{v2 + " " + alice}, recipients, "case %d: one recipient, the signed one", i)
		assert.Equal(t, inIslands, outIslands, "case %d: the unsigned element keeps its namespace name", i)
	}
	assert.Len(t, infra.Mailbox(alice), 1, "one message, sent again with its own ID")
	assert.Empty(t, infra.Mailbox(bob))
}
