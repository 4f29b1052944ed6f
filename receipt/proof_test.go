package receipt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// digitalProof is a proof of a delivered class-3 message.
func digitalProof(t testing.TB) *Proof {
	t.Helper()
	req := deliverRequest(t, testPerson)
	resp := deliverAnswer(t, testPerson, true)
	d, start, err := soapPayload(resp)
	require.NoError(t, err)
	res, err := DecodeDeliverSecureResponse(d, start)
	require.NoError(t, err)
	r, err := FromDeliveryResult(testAttempt(req), res)
	require.NoError(t, err)
	return &Proof{Receipt: *r, Request: req, Response: resp}
}

func TestProofFileRoundTrip(t *testing.T) {
	t.Parallel()
	p := digitalProof(t)
	var buf bytes.Buffer
	n, err := p.WriteTo(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
	assert.True(t, strings.HasSuffix(buf.String(), "}\n"))

	// The documented shape, field by field.
	var file map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(buf.Bytes(), &file))
	assert.Len(t, file, 4)
	assert.JSONEq(t, `"mm-proof/1"`, string(file["format"]))
	var req, resp string
	require.NoError(t, json.Unmarshal(file["request"], &req))
	require.NoError(t, json.Unmarshal(file["response"], &resp))
	assert.Equal(t, base64.StdEncoding.EncodeToString(p.Request), req)
	assert.Equal(t, base64.StdEncoding.EncodeToString(p.Response), resp)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(file["receipt"], &rec))
	assert.Equal(t, "195303231855", rec["recipient"], "a proof keeps the full number")
	assert.Equal(t, RequestSHA256(p.Request), rec["sealedSha256"])

	back, err := ReadProof(&buf)
	require.NoError(t, err)
	assert.Equal(t, p, back)
	assert.NoError(t, back.Check())
}

func TestProofCheckAccepts(t *testing.T) {
	t.Parallel()
	notify := func(t *testing.T) *Proof {
		req := notifyRequest(t, testPerson)
		a := testAttempt(req)
		a.Class = 1
		r, err := FromNotifyResult(a, &NotifyResult{TransID: testTransID, Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"EMail"}}}})
		require.NoError(t, err)
		return &Proof{Receipt: *r, Request: req, Response: notifyAnswer(t, testPerson, true, "EMail")}
	}
	paperAfterDecline := func(t *testing.T) *Proof {
		req := deliverRequest(t, testPerson)
		r, err := FromDeliveryResult(testAttempt(req), &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{testPerson, false}}})
		require.NoError(t, err)
		p, err := r.ToPaper("operator-declined", testAt)
		require.NoError(t, err)
		return &Proof{Receipt: *p, Request: req, Response: deliverAnswer(t, testPerson, false)}
	}
	unknown := func(t *testing.T) *Proof {
		req := deliverRequest(t, testPerson)
		r := NewUnknown(testAttempt(req), Digital, nil)
		return &Proof{Receipt: *r, Request: req}
	}
	organisation := func(t *testing.T) *Proof {
		req := deliverRequest(t, testOrg.RecipientID())
		a := testAttempt(req)
		a.Recipient = testOrg.RecipientID()
		r, err := FromDeliveryResult(a, &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{testOrg.RecipientID(), true}}})
		require.NoError(t, err)
		return &Proof{Receipt: *r, Request: req, Response: deliverAnswer(t, testOrg.RecipientID(), true)}
	}
	tests := []struct {
		name  string
		proof func(*testing.T) *Proof
		state State
	}{
		{"digital, delivered", func(t *testing.T) *Proof { return digitalProof(t) }, StateDelivered},
		{"notification with e-mail notice", notify, StateDelivered},
		{"paper after the operator declined", paperAfterDecline, StatePaper},
		{"unknown, no answer came", unknown, StateUnknown},
		{"organisation recipient", organisation, StateDelivered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.proof(t)
			assert.Equal(t, tt.state, p.State)
			assert.NoError(t, p.Check())
			// And after a trip through a file.
			var buf bytes.Buffer
			_, err := p.WriteTo(&buf)
			require.NoError(t, err)
			back, err := ReadProof(&buf)
			require.NoError(t, err)
			assert.NoError(t, back.Check())
		})
	}
}

func TestProofCheckRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, p *Proof)
		part   string
		reason string
	}{
		{"one byte of the request changed", func(_ *testing.T, p *Proof) {
			p.Request = bytes.Replace(p.Request, []byte("Beslut"), []byte("beslut"), 1)
		}, "request", "does not match the receipt's"},
		{"hash of another request", func(_ *testing.T, p *Proof) { p.SealedSHA256 = RequestSHA256([]byte("x")) }, "request", "does not match"},
		{"request swapped, hash updated", func(t *testing.T, p *Proof) {
			p.Request = deliverRequest(t, testPerson2)
			p.SealedSHA256 = RequestSHA256(p.Request)
		}, "request", "is for recipient 19810105****, the receipt for 19530323****"},
		{"request without seal", func(_ *testing.T, p *Proof) {
			i := bytes.Index(p.Request, []byte("<Seal "))
			j := bytes.Index(p.Request, []byte("</Seal>")) + len("</Seal>")
			p.Request = append(p.Request[:i:i], p.Request[j:]...)
			p.SealedSHA256 = RequestSHA256(p.Request)
		}, "request", "carries no seal"},
		{"request not XML", func(_ *testing.T, p *Proof) {
			p.Request = []byte("hello")
			p.SealedSHA256 = RequestSHA256(p.Request)
		}, "request", "unreadable"},
		{"empty request", func(_ *testing.T, p *Proof) { p.Request = nil }, "request", "empty"},
		{"another message ID", func(_ *testing.T, p *Proof) { p.MessageID = "other" }, "request", `does not carry message "other"`},
		{"another sender", func(_ *testing.T, p *Proof) { p.Sender = "162021004755" }, "request", "is from sender"},
		{"notify request on a digital receipt", func(t *testing.T, p *Proof) {
			p.Request = notifyRequest(t, testPerson)
			p.SealedSHA256 = RequestSHA256(p.Request)
		}, "request", "a notify request on channel digital"},
		{"masked recipient", func(_ *testing.T, p *Proof) { p.Recipient = "19530323****" }, "receipt", "masked or invalid"},
		{"inconsistent receipt", func(_ *testing.T, p *Proof) { p.Delivered = false }, "receipt", "not consistent"},
		{"paper without attempt", func(_ *testing.T, p *Proof) {
			p.Receipt = *NewPaper(testAttempt(nil), "no-mailbox")
		}, "receipt", "no request to prove"},
		{"no answer", func(_ *testing.T, p *Proof) { p.Response = nil }, "response", "empty"},
		{"answer says not delivered", func(t *testing.T, p *Proof) { p.Response = deliverAnswer(t, testPerson, false) }, "response", "delivered false, the receipt's true"},
		{"answer about another recipient", func(t *testing.T, p *Proof) { p.Response = deliverAnswer(t, testPerson2, true) }, "response", "no status for the receipt's recipient"},
		{"another transaction", func(_ *testing.T, p *Proof) { p.TransID = "T2" }, "response", `transaction ID "` + testTransID + `", the receipt's "T2"`},
		{"a fault", func(_ *testing.T, p *Proof) {
			p.Response = []byte(soapOpen + `<soap:Fault><faultcode>soap:Server</faultcode></soap:Fault>` + soapClose)
		}, "response", "SOAP fault"},
		{"notify answer to a delivery", func(t *testing.T, p *Proof) { p.Response = notifyAnswer(t, testPerson, true) }, "response", "want element deliverSecureResponse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := digitalProof(t)
			require.NoError(t, p.Check())
			tt.tamper(t, p)
			err := p.Check()
			require.ErrorIs(t, err, ErrProofMismatch)
			var pe *ProofError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.part, pe.Part)
			assert.Contains(t, err.Error(), tt.reason)
			assert.NotContains(t, err.Error(), string(testPerson))
			assert.NotContains(t, err.Error(), string(testPerson2))
		})
	}
}

func TestProofNotifiedByMustAgree(t *testing.T) {
	t.Parallel()
	req := notifyRequest(t, testPerson)
	a := testAttempt(req)
	r, err := FromNotifyResult(a, &NotifyResult{TransID: testTransID, Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"SMS"}}}})
	require.NoError(t, err)
	p := &Proof{Receipt: *r, Request: req, Response: notifyAnswer(t, testPerson, true, "EMail")}
	assert.ErrorContains(t, p.Check(), "notified by [EMail], the receipt by [SMS]")
}

func TestReadProofRefuses(t *testing.T) {
	t.Parallel()
	good, err := json.Marshal(digitalProof(t))
	require.NoError(t, err)
	tests := []struct {
		name string
		file []byte
		is   error
		want string
	}{
		{"later format", bytes.Replace(good, []byte(ProofFormat), []byte("mm-proof/2"), 1), ErrProofFormat, `unsupported proof format: "mm-proof/2", want "mm-proof/1"`},
		{"no format", []byte(`{"receipt":{},"request":""}`), ErrProofFormat, `""`},
		{"unknown field", bytes.Replace(good, []byte(`{"format"`), []byte(`{"x":1,"format"`), 1), ErrProofFormat, `unknown key "x"`},
		{"bad base64", bytes.Replace(good, []byte(`"request":"`), []byte(`"request":"!`), 1), nil, "illegal base64"},
		{"bad receipt", bytes.Replace(good, []byte(`"state":"delivered"`), []byte(`"state":"lost"`), 1), nil, "unknown state"},
		{"too large", append(bytes.Repeat([]byte(" "), MaxProofSize), good...), nil, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ReadProof(bytes.NewReader(tt.file))
			assert.Nil(t, p)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestScanRequestFacts(t *testing.T) {
	t.Parallel()
	f, err := scanRequest(deliverRequest(t, testPerson))
	require.NoError(t, err)
	assert.Equal(t, &requestFacts{kind: "deliverSecure", sender: string(testOrg), recipients: []string{string(testPerson)}, messageIDs: []string{testMsgID}, sealed: true}, f)

	f, err = scanRequest(notifyRequest(t, testPerson2))
	require.NoError(t, err)
	assert.Equal(t, &requestFacts{kind: "notify", sender: string(testOrg), recipients: []string{string(testPerson2)}, messageIDs: []string{testMsgID}}, f)

	_, err = scanRequest(envelope([]byte(`<deliverSecure xmlns="urn:x"/>`)))
	assert.ErrorContains(t, err, "want deliverSecure or notify")
}
