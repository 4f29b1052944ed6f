package fakeinfra_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reply is an answer as post got it.
type reply struct {
	status int
	body   []byte
}

func send(t *testing.T, c *http.Client, url string, env []byte) reply {
	t.Helper()
	s, b := post(t, c, url, env)
	return reply{s, b}
}

func faultCode(t *testing.T, r reply) int {
	t.Helper()
	status, body := r.status, r.body
	require.Equal(t, http.StatusInternalServerError, status, string(body))
	_, err := soap.ReadResponse(body)
	var f *soap.Fault
	require.True(t, errors.As(err, &f), "%v", err)
	return f.Code
}

func delivered(t *testing.T, r reply) *receipt.DeliveryResult {
	t.Helper()
	status, body := r.status, r.body
	require.Equal(t, http.StatusOK, status, string(body))
	p, err := soap.ReadResponse(body)
	require.NoError(t, err)
	res, err := receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
	require.NoError(t, err)
	return res
}

// foreignRequest signs an unsigned SignedDelivery document with xmlsec1 —
// as another implementation would, without the SDK's validation — for the
// fake's default sender, seals it with the SDK and returns the request.
func foreignRequest(t *testing.T, infra *fakeinfra.Infra, unsigned []byte) []byte {
	t.Helper()
	leaf, err := infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)
	key, err := leaf.KeyPEM()
	require.NoError(t, err)
	// The reference senders' profile: one Transform, the leaf certificate.
	tmpl := `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="` + sign.AlgExcC14N + `"/><SignatureMethod Algorithm="` + sign.AlgRSASHA256 + `"/><Reference URI=""><Transforms><Transform Algorithm="` + sign.AlgEnveloped + `"/></Transforms><DigestMethod Algorithm="` + sign.AlgSHA256 + `"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>`
	i := bytes.LastIndex(unsigned, []byte("</SignedDelivery>"))
	doc := append(append(append([]byte{}, unsigned[:i]...), tmpl...), unsigned[i:]...)
	signed := conformance.Xmlsec1Sign(t, doc, key, testpki.CertPEM(leaf.Signer.Certificate()))
	v, err := sign.Verify(signed, sign.VerifyOptions{Roots: infra.Roots()})
	require.NoError(t, err)
	sealed, err := infra.SenderSigner().Seal(v.SignedDelivery, infra.Now())
	require.NoError(t, err)
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	return req
}

func unsignedDoc(t *testing.T, m *message.Message) []byte {
	t.Helper()
	b, err := message.NewDelivery(message.Sender{ID: fakeinfra.DefaultSenderOrg, Name: fakeinfra.DefaultSenderName}, m).MarshalSignedDelivery()
	require.NoError(t, err)
	return b
}

func TestOperatorRefusesWhatARealOneRefuses(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := infra.HTTPClient()
	url := infra.OperatorURL("kivra")

	t.Run("unsupported attachment type is 5019", func(t *testing.T) {
		doc := bytes.Replace(unsignedDoc(t, testMessage(alice)), []byte(">application/pdf<"), []byte(">image/png<"), 1)
		assert.Equal(t, soap.CodeUnsupportedMIMEType, faultCode(t, send(t, c, url, foreignRequest(t, infra, doc))))
	})
	t.Run("a message over 2 MB is 5005", func(t *testing.T) {
		m := testMessage(alice)
		m.Attachments[0].Data = bytes.Repeat([]byte("x"), 1_400_000)
		doc := unsignedDoc(t, m)
		att := doc[bytes.Index(doc, []byte("<Attachment>")) : bytes.Index(doc, []byte("</Attachment>"))+len("</Attachment>")]
		second := bytes.Replace(att, []byte("beslut.pdf"), []byte("bilaga.pdf"), 1)
		doc = bytes.Replace(doc, []byte("</Attachment>"), append([]byte("</Attachment>"), second...), 1)
		assert.Equal(t, soap.CodeMaximumExceeded, faultCode(t, send(t, c, url, foreignRequest(t, infra, doc))))
	})
	t.Run("invalid input is 5001", func(t *testing.T) {
		doc := bytes.Replace(unsignedDoc(t, testMessage(alice)), []byte("<Subject>Beslut om bygglov</Subject>"), []byte("<Subject>"+strings.Repeat("s", 300)+"</Subject>"), 1)
		r := send(t, c, url, foreignRequest(t, infra, doc))
		assert.Equal(t, soap.CodeInvalidInput, faultCode(t, r))
		assert.Contains(t, string(r.body), "Subject: at most 255 characters")
	})
	t.Run("not a SOAP request is 5001", func(t *testing.T) {
		assert.Equal(t, soap.CodeInvalidInput, faultCode(t, send(t, c, url, []byte("<hello/>"))))
	})
	assert.Empty(t, infra.Deliveries())
}

func TestOperatorChecksWhoSigns(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := infra.HTTPClient()
	url := infra.OperatorURL("kivra")
	sender := infra.Sender()
	other, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	broker, err := infra.AddIntermediary("165566778899", "Förmedlare AB", sender.ID)
	require.NoError(t, err)

	seal := func(signer, sealer *sign.Signer) []byte {
		signed, err := signer.SignDelivery(message.NewDelivery(sender, testMessage(alice)), sign.OnBehalfOf(sender.ID))
		require.NoError(t, err)
		sealed, err := sealer.Seal(signed, infra.Now())
		require.NoError(t, err)
		req, err := sign.DeliverSecureRequest(sealed)
		require.NoError(t, err)
		return req
	}
	// Sealed by a sender that may not act for this one: 6009.
	assert.Equal(t, soap.CodeSenderNotValidSigner, faultCode(t, send(t, c, url, seal(infra.SenderSigner(), other))))
	// Signed by a sender that is neither the sender nor allowed to sign for it: 6010.
	assert.Equal(t, soap.CodeSignerNotParty, faultCode(t, send(t, c, url, seal(other, infra.SenderSigner()))))
	// An approved intermediary may sign and seal.
	res := delivered(t, send(t, c, url, seal(broker, broker)))
	assert.True(t, res.Statuses[0].Delivered)
	box := infra.Mailbox(alice)
	require.Len(t, box, 1)
	assert.Equal(t, message.OrgNumber("165566778899"), box[0].SealedBy)

	// A sender the Authority register does not know: 5002.
	id, err := infra.Issue("165590040001", "Okänd AB")
	require.NoError(t, err)
	stranger := id.Signer
	signed, err := stranger.SignDelivery(message.NewDelivery(message.Sender{ID: "165590040001", Name: "Okänd AB"}, testMessage(alice)))
	require.NoError(t, err)
	sealed, err := stranger.Seal(signed, infra.Now())
	require.NoError(t, err)
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, send(t, c, url, req)))
}

func TestDeliveryIsIdempotentByMessageID(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := infra.HTTPClient()
	m := testMessage(alice)
	req := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), m)
	first := delivered(t, send(t, c, infra.OperatorURL("kivra"), req))
	again := delivered(t, send(t, c, infra.OperatorURL("kivra"), req))
	assert.Equal(t, first.TransID, again.TransID, "a repeat gets the first answer")
	assert.Len(t, infra.Mailbox(alice), 1, "and stores nothing new")
	assert.Equal(t, 1, infra.Duplicates())
	known, ok := infra.Known("kivra", m.ID)
	assert.True(t, known && ok)

	// The same ID with other content is refused.
	changed := *m
	changed.Subject = "Ett annat beslut"
	assert.Equal(t, soap.CodeAlreadyExists, faultCode(t, send(t, c, infra.OperatorURL("kivra"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), &changed))))
	assert.Len(t, infra.Mailbox(alice), 1)
}

func TestNotify(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.Mailbox("kivra"), fakeinfra.Reachable(false, true)))
	c := infra.HTTPClient()
	decode := func(r reply) *receipt.NotifyResult {
		status, body := r.status, r.body
		require.Equal(t, http.StatusOK, status, string(body))
		p, err := soap.ReadResponse(body)
		require.NoError(t, err)
		res, err := receipt.DecodeNotifyResponse(p.Decoder, p.Start)
		require.NoError(t, err)
		return res
	}
	res := decode(send(t, c, infra.OperatorURL("kivra"), notifyRequest(t, class1Message(alice), infra.Sender())))
	assert.True(t, res.Statuses[0].Delivered)
	assert.Equal(t, []string{"SMS", "EMail"}, res.Statuses[0].NotifiedBy)
	res = decode(send(t, c, infra.OperatorURL("kivra"), notifyRequest(t, class1Message(bob), infra.Sender())))
	assert.Equal(t, []string{"EMail"}, res.Statuses[0].NotifiedBy)
	box := infra.Mailbox(alice)
	require.Len(t, box, 1)
	assert.EqualValues(t, 1, box[0].Class)
	var texts []string
	for _, n := range infra.Notifications() {
		assert.False(t, n.Neutral, "class-1 notices are the sender's own text")
		texts = append(texts, n.Channel+":"+n.Text)
	}
	assert.Contains(t, texts, "SMS:Du har fått ett meddelande.")
	// At another operator: not delivered, nobody notified.
	res = decode(send(t, c, infra.OperatorURL("billo"), notifyRequest(t, class1Message(alice), infra.Sender())))
	assert.False(t, res.Statuses[0].Delivered)
	assert.Empty(t, res.Statuses[0].NotifiedBy)
	// A caller that may not act for the sender: 5002.
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, send(t, c, infra.OperatorURL("kivra"), notifyRequest(t, class1Message(alice), message.Sender{ID: "165590030002", Name: "Kommun B"}))))
}

func TestFaRRules(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	c := infra.HTTPClient()
	var ids strings.Builder
	for range 1001 {
		ids.WriteString("<recipientId>" + alice + "</recipientId>")
	}
	status, body := soapCall(t, c, infra.FaR().Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>162021004748</senderOrgNr>`+ids.String()+`</isReachable>`)
	assert.Equal(t, soap.CodeMaximumExceeded, faultCode(t, reply{status, body}))
	// Asking for a sender the certificate may not act for.
	status, body = soapCall(t, c, infra.FaR().Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>165590030002</senderOrgNr></isReachable>`)
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, reply{status, body}))
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient))
}

// A message signed again — with the sender's renewed certificate, so the
// bytes differ — is the same delivery: the repeat gets the first answer,
// not fault 5007.
func TestRepeatSignedAgainIsTheSameDelivery(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	renewed, err := infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)
	signer := renewed.Signer
	c := infra.HTTPClient()
	m := testMessage(alice)
	first, again := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), m), sealedRequest(t, infra, signer, infra.Sender(), m)
	require.NotEqual(t, first, again, "signed with two certificates")
	a := delivered(t, send(t, c, infra.OperatorURL("kivra"), first))
	b := delivered(t, send(t, c, infra.OperatorURL("kivra"), again))
	assert.Equal(t, a.TransID, b.TransID)
	assert.Len(t, infra.Mailbox(alice), 1)
	assert.Equal(t, 1, infra.Duplicates())
}

// The organisation that connects must be the sender or an intermediary
// approved for it, at FaR and at the operators; FaR answers only for
// registered senders.
func TestCallerMustActForTheSender(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	other, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	oc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: other.TLSCertificate(), Roots: infra.Roots()})
	require.NoError(t, err)
	// Kommun B connects with a delivery Kommun A signed and sealed.
	req := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(alice))
	r := send(t, oc, infra.OperatorURL("kivra"), req)
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, r))
	assert.Contains(t, string(r.body), "the caller 165590030002 may not act for 162021004748")
	assert.Empty(t, infra.Deliveries())
	// Kommun A may.
	assert.True(t, delivered(t, send(t, infra.HTTPClient(), infra.OperatorURL("kivra"), req)).Statuses[0].Delivered)

	// A lookup for a sender the Authority register does not know.
	leaf, err := infra.Issue("165590040001", "Okänd AB")
	require.NoError(t, err)
	uc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: leaf.Signer.TLSCertificate(), Roots: infra.Roots()})
	require.NoError(t, err)
	status, body := soapCall(t, uc, infra.FaR().Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>165590040001</senderOrgNr><recipientId>`+alice+`</recipientId></isReachable>`)
	r = reply{status, body}
	assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, r))
	assert.Contains(t, string(r.body), "sender 165590040001 is not registered")
}
