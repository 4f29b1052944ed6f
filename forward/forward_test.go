package forward_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeliverToEachOperator(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	c := newClient(t, infra)
	ids := []string{alice, bob, carl, dora}
	for k, name := range infra.Operators() {
		require.NoError(t, infra.AddRecipient(ids[k], fakeinfra.Mailbox(name)))
		d := delivery(infra, ids[k])
		proof, err := c.Deliver(context.Background(), operator(t, infra, name), d, infra.SenderSigner())
		require.NoError(t, err, name)
		r := proof.Receipt
		assert.Equal(t, receipt.StateDelivered, r.State, name)
		assert.Equal(t, receipt.Digital, r.Channel)
		assert.Equal(t, d.Messages[0].ID, r.MessageID)
		assert.Equal(t, message.RecipientID(ids[k]), r.Recipient)
		assert.Equal(t, name, infra.Mailbox(ids[k])[0].Operator)
		assert.NotEmpty(t, r.TransID)
		assert.Equal(t, 1, r.Attempts)
		assert.Equal(t, receipt.RequestSHA256(proof.Request), r.SealedSHA256)
		require.NoError(t, proof.Check(), "the proof bundle holds together")
	}
}

func TestDeclined(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	c := newClient(t, infra)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("billo")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.Mailbox("kivra"), fakeinfra.Rejects(infra.Sender().ID)))
	for _, to := range []string{alice, bob} {
		proof, err := c.Deliver(context.Background(), operator(t, infra, "kivra"), delivery(infra, to), infra.SenderSigner())
		require.NoError(t, err)
		assert.Equal(t, receipt.StateDeclined, proof.Receipt.State, "not the operator's customer, or turned the sender away")
		assert.False(t, proof.Receipt.Delivered)
		paper, err := proof.Receipt.ToPaper("operator-declined", time.Now())
		require.NoError(t, err)
		assert.Equal(t, receipt.Paper, paper.Channel)
	}
	assert.Empty(t, infra.Deliveries())
}

// A signed delivery made elsewhere is verified, sealed and delivered; a
// tampered one is refused before anything is sent.
func TestDeliverSecureVerifiesFirst(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	broker, err := infra.AddIntermediary("165566778899", "Förmedlare AB", infra.Sender().ID)
	require.NoError(t, err)
	c := newClient(t, infra, func(cfg *forward.Config) {
		cfg.Signer = broker
		cfg.HTTPClient = httpClient(t, infra, broker.TLSCertificate(), 2*time.Second)
		cfg.MayActFor = forward.DispatcherPolicy(map[message.OrgNumber][]message.OrgNumber{"165566778899": {infra.Sender().ID}})
	})
	signed, err := infra.SenderSigner().SignDelivery(delivery(infra, alice))
	require.NoError(t, err)
	kivra := operator(t, infra, "kivra")

	tampered := bytes.Replace(signed, []byte("Beslut om bygglov"), []byte("Beslut om bygglow"), 1)
	_, err = c.DeliverSecure(context.Background(), kivra, tampered)
	assert.ErrorIs(t, err, sign.ErrSignatureInvalid)
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")), "nothing reached the operator")

	proof, err := c.DeliverSecure(context.Background(), kivra, signed)
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
	box := infra.Mailbox(alice)
	require.Len(t, box, 1)
	assert.Equal(t, message.OrgNumber("165566778899"), box[0].SealedBy)
	assert.Equal(t, infra.Sender().ID, box[0].SignedBy)

	// The SOAP request validates against the official XSD and both
	// signatures verify with xmlsec1.
	conformance.ValidatePayload(t, conformance.ServiceXSD, proof.Request)
	assert.NoError(t, opverify.Verify(proof.Request), "the operator's own checks pass")
	sealed, inner := wireToSealed(t, proof.Request)
	assert.NoError(t, conformance.Xmlsec1Verify(t, sealed, infra.CAPEM()))
	assert.NoError(t, conformance.Xmlsec1Verify(t, inner, infra.CAPEM()))
}

// A signer whose organisation is neither the sender nor an intermediary
// allowed for it is refused locally.
func TestSignerMustBeAllowed(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	stranger, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	c := newClient(t, infra)
	kivra := operator(t, infra, "kivra")

	_, err = c.Deliver(context.Background(), kivra, delivery(infra, alice), stranger)
	assert.ErrorIs(t, err, forward.ErrNotAuthorised)
	signed, err := stranger.SignDelivery(delivery(infra, alice), sign.OnBehalfOf(infra.Sender().ID))
	require.NoError(t, err)
	_, err = c.DeliverSecure(context.Background(), kivra, signed)
	assert.ErrorIs(t, err, forward.ErrNotAuthorised)
	// A sealer that may not act for the sender.
	other := newClient(t, infra, func(cfg *forward.Config) { cfg.Signer = stranger })
	_, err = other.Deliver(context.Background(), kivra, delivery(infra, alice), infra.SenderSigner())
	assert.ErrorIs(t, err, forward.ErrNotAuthorised)
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}

func TestNotifyReportsChannels(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := newClient(t, infra)
	m := newMessage(alice)
	m.Class, m.Attachments = 1, nil
	m.SMS = &message.SMSNotice{From: "Kommun A", Text: "Du har fått ett meddelande."}
	m.Email = &message.EmailNotice{From: "noreply@kommun.example", Subject: "Nytt meddelande", Text: "Du har fått ett meddelande."}
	proof, err := c.Notify(context.Background(), operator(t, infra, "kivra"), &message.Notification{Sender: infra.Sender(), Message: m})
	require.NoError(t, err)
	r := proof.Receipt
	assert.Equal(t, receipt.Notification, r.Channel)
	assert.Equal(t, receipt.StateDelivered, r.State)
	assert.ElementsMatch(t, []string{"SMS", "EMail"}, r.NotifiedBy)
	require.NoError(t, proof.Check())
	conformance.ValidatePayload(t, conformance.ServiceXSD, proof.Request)
	assert.True(t, bytes.HasPrefix(proof.Request, []byte(`<soap:Envelope xmlns:soap="`+message.NSSOAP+`" xmlns:svc3=`)), "the prefixed wire form")
}

// An application fault is typed, not retried, and the receipt says failed.
func TestApplicationFaultIsNotRetried(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.OperatorFault("kivra", soap.CodeSignatureInvalid))
	c := newClient(t, infra)
	_, err := c.Deliver(context.Background(), operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
	var f *soap.Fault
	require.True(t, errors.As(err, &f), "%v", err)
	assert.Equal(t, soap.CodeSignatureInvalid, f.Code)
	var fe *forward.Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, receipt.StateFailed, fe.Receipt.State)
	assert.NotErrorIs(t, err, forward.ErrMaybeDelivered)
	assert.Equal(t, 1, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}

// The answer to the first attempt is lost after the operator stored the
// message; the retry gets the operator's first answer: one message stored.
func TestTimeoutThenSuccessStoresOnce(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.Timeout(fakeinfra.OperatorEndpoint("kivra")), fakeinfra.Times(1), fakeinfra.AfterStore())
	c := newClient(t, infra, func(cfg *forward.Config) {
		cfg.HTTPClient = httpClient(t, infra, infra.SenderSigner().TLSCertificate(), time.Second)
		cfg.MaxRetries = 5
	})
	d := delivery(infra, alice)
	proof, err := c.Deliver(context.Background(), operator(t, infra, "kivra"), d, infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
	// Two attempts on a quiet machine; a loaded one may need more, each
	// recognised as the same message.
	assert.GreaterOrEqual(t, proof.Receipt.Attempts, 2)
	assert.Len(t, infra.Mailbox(alice), 1, "exactly one message stored")
	assert.GreaterOrEqual(t, infra.Duplicates(), 1, "the retry was recognised as the same message")
	assert.LessOrEqual(t, infra.Duplicates(), proof.Receipt.Attempts-1)
	assert.Equal(t, d.Messages[0].ID, infra.Mailbox(alice)[0].Message.ID)
}

// An operator down until the deadline: the error says the message may or
// may not have arrived, and the receipt is unknown, never failed.
func TestOperatorDownUntilDeadline(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.ConnectionReset(fakeinfra.OperatorEndpoint("kivra")), fakeinfra.For(time.Minute))
	c := newClient(t, infra, func(cfg *forward.Config) { cfg.MaxRetries = 100 })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Deliver(ctx, operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
	require.Error(t, err)
	assert.Less(t, time.Since(start), 6*time.Second, "stops at the deadline")
	assert.ErrorIs(t, err, forward.ErrMaybeDelivered)
	var fe *forward.Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, receipt.StateUnknown, fe.Receipt.State)
	assert.Greater(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")), 1, "it retried")
	assert.Greater(t, fe.Receipt.Attempts, 1)
}

// A delivery signed in another system — here by xmlsec1, pretty-printed —
// is verified, sealed and delivered unchanged: its own signature still
// holds at the operator.
func TestDeliverSecureForwardsForeignSignatures(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	leaf, err := infra.Issue(infra.Sender().ID, infra.Sender().Name)
	require.NoError(t, err)
	key, err := leaf.KeyPEM()
	require.NoError(t, err)
	unsigned, err := delivery(infra, alice).MarshalSignedDelivery()
	require.NoError(t, err)
	pretty := bytes.ReplaceAll(unsigned, []byte("><"), []byte(">\n  <"))
	template := func(transforms ...string) []byte {
		tmpl := `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="` + sign.AlgExcC14N +
			`"/><SignatureMethod Algorithm="` + sign.AlgRSASHA256 + `"/><Reference URI=""><Transforms>`
		for _, tr := range transforms {
			tmpl += `<Transform Algorithm="` + tr + `"/>`
		}
		tmpl += `</Transforms><DigestMethod Algorithm="` + sign.AlgSHA256 +
			`"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>`
		i := bytes.LastIndex(pretty, []byte("</SignedDelivery>"))
		return append(append(append([]byte{}, pretty[:i]...), tmpl...), pretty[i:]...)
	}
	// The reference profile: one Transform, the leaf certificate.
	foreign := conformance.Xmlsec1Sign(t, template(sign.AlgEnveloped), key, testpki.CertPEM(leaf.Signer.Certificate()))
	require.Contains(t, string(foreign), "\n  <Delivery>")

	c := newClient(t, infra)
	kivra := operator(t, infra, "kivra")
	proof, err := c.DeliverSecure(context.Background(), kivra, foreign)
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
	box := infra.Mailbox(alice)
	require.Len(t, box, 1)
	assert.Equal(t, "Beslut om bygglov", box[0].Message.Subject)
	assert.NoError(t, opverify.Verify(proof.Request), "the pretty-printed signature holds at the operator too")
	_, inner := wireToSealed(t, proof.Request)
	assert.NoError(t, conformance.Xmlsec1Verify(t, inner, infra.CAPEM()), "the sender's own signature, as forwarded, still verifies in xmlsec1")

	// An older sender's profile — two Transforms and the chain — verifies
	// in the SDK, but the operators' own verifier refuses it: DeliverSecure
	// says so, naming the rule, before anything is sent.
	old := conformance.Xmlsec1Sign(t, template(sign.AlgEnveloped, sign.AlgExcC14N), key, leaf.CertPEM())
	_, err = sign.Verify(old, sign.VerifyOptions{Roots: infra.Roots()})
	require.NoError(t, err, "the SDK's verifier takes the older profile")
	sent := infra.Requests(fakeinfra.OperatorEndpoint("kivra"))
	_, err = c.DeliverSecure(context.Background(), kivra, old)
	require.ErrorIs(t, err, forward.ErrOperatorProfile)
	var e *opverify.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, opverify.RuleTransforms, e.Rule)
	assert.Equal(t, sent, infra.Requests(fakeinfra.OperatorEndpoint("kivra")), "nothing was sent")
	assert.Len(t, infra.Mailbox(alice), 1, "only the first delivery")
}
