package receipt

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sign package's fixed test credentials, valid 2026 to 2046.
var pkiDir = filepath.Join("..", "sign", "testdata", "pki")

func pkiFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pkiDir, name))
	require.NoError(t, err)
	return b
}

func trust(t testing.TB) sign.VerifyOptions {
	t.Helper()
	certs, err := sign.ParseCertificatesPEM(pkiFile(t, "ca.pem"))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return sign.VerifyOptions{Roots: pool, At: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)}
}

// sealedRequest is a genuine request, signed and sealed with the test
// credentials, in the prefixed wire form.
func sealedRequest(t testing.TB, to message.RecipientID) []byte {
	t.Helper()
	s, err := sign.LoadPEM(pkiFile(t, "sender.pem"), pkiFile(t, "sender.key"))
	require.NoError(t, err)
	signed, err := s.SignDelivery(message.NewDelivery(message.Sender{ID: testOrg, Name: "Kommun A"}, testMessage(to)))
	require.NoError(t, err)
	sealed, err := s.Seal(signed, testAt)
	require.NoError(t, err)
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	return req
}

// signedProof is a genuine proof of a delivered class-3 message, with real
// signatures.
func signedProof(t testing.TB) *Proof {
	t.Helper()
	req := sealedRequest(t, testPerson)
	r, err := FromDeliveryResult(testAttempt(req), &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{testPerson, true}}})
	require.NoError(t, err)
	return &Proof{Receipt: *r, Request: req, Response: deliverAnswer(t, testPerson, true)}
}

func TestSignedProofVerifies(t *testing.T) {
	t.Parallel()
	v, err := signedProof(t).Verify(trust(t))
	require.NoError(t, err)
	assert.Len(t, v.Levels, 2)
	assert.Equal(t, testMsgID, v.Delivery.Messages[0].ID)
}

// Forgery: a request with two SOAP Bodies, the first an unsigned delivery
// to someone else with another message ID, the second a genuine sealed
// one. The receipt is made for the first; its hash covers the whole.
func TestForgedProofTwoBodies(t *testing.T) {
	t.Parallel()
	genuine := sealedRequest(t, testPerson)
	i := bytes.Index(genuine, []byte("<soap:Body>"))
	forgedMsg := testMessage(testPerson2)
	forgedMsg.ID = "11111111-2222-4333-8444-555555555555"
	unsigned, err := message.NewDelivery(message.Sender{ID: testOrg, Name: "Kommun A"}, forgedMsg).MarshalSignedDelivery()
	require.NoError(t, err)
	first := `<soap:Body>` + strings.Replace(string(conformance.WrapUnsignedDelivery(unsigned)), "<deliverSecure ", `<deliverSecure `, 1) + `</soap:Body>`
	for name, req := range map[string][]byte{
		"two Bodies":               append(append(append([]byte{}, genuine[:i]...), first...), genuine[i:]...),
		"two elements in one Body": bytes.Replace(genuine, []byte("<soap:Body>"), []byte(first[:len(first)-len("</soap:Body>")]), 1),
	} {
		a := testAttempt(req)
		a.Recipient, a.MessageID = testPerson2, forgedMsg.ID
		r, err := FromDeliveryResult(a, &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{testPerson2, true}}})
		require.NoError(t, err)
		p := &Proof{Receipt: *r, Request: req, Response: deliverAnswer(t, testPerson2, true)}
		_, err = p.Verify(trust(t))
		require.ErrorIs(t, err, ErrProofMismatch, name)
		assert.ErrorContains(t, err, "unexpected element", name)
		assert.ErrorIs(t, p.Check(), ErrProofMismatch, name)
	}
	// The same holds for the answer.
	p := signedProof(t)
	p.Response = bytes.Replace(p.Response, []byte("</soap:Body>"), []byte("</soap:Body><soap:Body></soap:Body>"), 1)
	assert.ErrorContains(t, p.Check(), "unexpected element")
}

// Forgery: a receipt that differs from the signed delivery in one field.
// Check catches it in the request as its own parser reads it; Verify
// compares the verified delivery too, which catches the same lie even
// where the two readings could differ.
func TestForgedProofFieldByField(t *testing.T) {
	t.Parallel()
	genuine := signedProof(t)
	v, err := genuine.Verify(trust(t))
	require.NoError(t, err)
	for _, c := range []struct {
		field  string
		forge  func(r *Receipt)
		reason string
	}{
		{"message ID", func(r *Receipt) { r.MessageID = "other" }, `does not carry message "other"`},
		{"recipient", func(r *Receipt) { r.Recipient = testPerson2 }, "is for recipient 19530323****, the receipt for 19810105****"},
		{"sender", func(r *Receipt) { r.Sender = "165590030002" }, `is from sender "162021004748", the receipt from "165590030002"`},
		{"no sender", func(r *Receipt) { r.Sender = "" }, `the receipt from ""`},
	} {
		r := genuine.Receipt
		c.forge(&r)
		err := compareDelivery(&r, v)
		require.ErrorIs(t, err, ErrProofMismatch, c.field)
		assert.ErrorContains(t, err, c.reason, c.field)

		p := signedProof(t)
		c.forge(&p.Receipt)
		_, err = p.Verify(trust(t))
		assert.ErrorIs(t, err, ErrProofMismatch, c.field)
	}
	// The operator is named by no signed byte nor by the answer: a receipt
	// that reports an answer must at least name it.
	p := signedProof(t)
	p.Operator = message.Operator{}
	_, err = p.Verify(trust(t))
	assert.ErrorContains(t, err, "names no operator")
	// The channel: a digital receipt for a notify request, a notification
	// receipt for a deliverSecure request, a notify answer to a delivery.
	p = signedProof(t)
	p.Channel = Notification
	_, err = p.Verify(trust(t))
	assert.ErrorContains(t, err, "a deliverSecure request on channel notification")
	p = signedProof(t)
	p.Response = notifyAnswer(t, testPerson, true)
	_, err = p.Verify(trust(t))
	assert.ErrorContains(t, err, "want element deliverSecureResponse")
}

// Forgery: the bundle's JSON read one way by mm verify and another by jq —
// a key twice, two keys equal but for case, a key in another case, a
// second object after the first.
func TestForgedProofJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	_, err := signedProof(t).WriteTo(&buf)
	require.NoError(t, err)
	good := buf.String()
	_, err = ReadProof(strings.NewReader(good))
	require.NoError(t, err)
	for _, c := range []struct{ name, file, want string }{
		{"duplicate key", strings.Replace(good, `"messageId": "`, `"messageId": "forged", "messageId": "`, 1), `key "messageId" appears twice`},
		{"duplicate top-level key", strings.Replace(good, `"format": "mm-proof/1",`, `"format": "mm-proof/1", "format": "mm-proof/1",`, 1), `key "format" appears twice`},
		{"case-folded key", strings.Replace(good, `"sender": "`, `"MessageId": "forged", "sender": "`, 1), `keys "messageId" and "MessageId" differ only in case`},
		{"key in another case", strings.Replace(good, `"messageId"`, `"messageID"`, 1), `key "messageID" must be written "messageId"`},
		{"Unicode case folding", strings.Replace(good, `"delivered": `, `"ſtate": "paper", "delivered": `, 1), `keys "state" and "ſtate" differ only in case`},
		{"second object", good + `{"format": "mm-proof/1"}`, "something follows the JSON object"},
		{"unknown key in the receipt", strings.Replace(good, `"messageId"`, `"extra": 1, "messageId"`, 1), `unknown key "extra"`},
		{"an object for a plain value", strings.Replace(good, `"transId": "`+testTransID+`"`, `"transId": {"a": 1}`, 1), "want a plain value where an object stands"},
	} {
		require.NotEqual(t, good, c.file, c.name)
		_, err := ReadProof(strings.NewReader(c.file))
		require.ErrorIs(t, err, ErrProofFormat, c.name)
		assert.ErrorContains(t, err, c.want, c.name)
	}
}

// Forgery: a class-1 bundle made without any key. It is consistent, and
// that is all it can be: Verify says it is not verifiable.
func TestClassOneProofIsNotVerifiable(t *testing.T) {
	t.Parallel()
	req := notifyRequest(t, testPerson)
	a := testAttempt(req)
	a.Class = 1
	r, err := FromNotifyResult(a, &NotifyResult{TransID: testTransID, Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true}}})
	require.NoError(t, err)
	p := &Proof{Receipt: *r, Request: req, Response: notifyAnswer(t, testPerson, true)}
	require.NoError(t, p.Check())
	v, err := p.Verify(trust(t))
	assert.Nil(t, v)
	assert.ErrorIs(t, err, ErrNotVerifiable)
	assert.EqualError(t, err, "not verifiable: class 1 carries no signatures")
}

// Bundles the SDK wrote before this version — the unprefixed wire form,
// one of them with the older two-Transform profile and the chain in
// KeyInfo — stay readable and verifiable.
func TestOldProofBundlesVerify(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"proof-v1-unprefixed.json", "proof-v1-two-transforms.json"} {
		f, err := os.Open(filepath.Join("testdata", name))
		require.NoError(t, err)
		p, err := ReadProof(f)
		f.Close()
		require.NoError(t, err, name)
		assert.NotContains(t, string(p.Request), "<ds:", "%s is in the old, unprefixed form", name)
		v, err := p.Verify(trust(t))
		require.NoError(t, err, name)
		assert.Len(t, v.Levels, 2, name)
		assert.Equal(t, p.MessageID, v.Delivery.Messages[0].ID)
	}
}

// FuzzReadProof: whatever the bytes, reading a proof never panics, and what
// it accepts is one JSON object in which no object holds two keys equal
// but for case.
func FuzzReadProof(f *testing.F) {
	var buf bytes.Buffer
	_, err := digitalProof(f).WriteTo(&buf)
	require.NoError(f, err)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"mm-proof/1","format":"x"}`))
	f.Add([]byte(`{"receipt":{"K":1,"k":2}}[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ReadProof(bytes.NewReader(data)); err != nil {
			return
		}
		d := json.NewDecoder(bytes.NewReader(data))
		var v map[string]any
		if err := d.Decode(&v); err != nil || d.More() {
			t.Fatalf("accepted what is not one JSON object: %v", err)
		}
		var walk func(any)
		walk = func(x any) {
			if m, ok := x.(map[string]any); ok {
				seen := map[string]bool{}
				for k, e := range m {
					if seen[foldKey(k)] {
						t.Fatalf("accepted keys equal but for case: %q", k)
					}
					seen[foldKey(k)] = true
					walk(e)
				}
			}
		}
		walk(v)
	})
}
