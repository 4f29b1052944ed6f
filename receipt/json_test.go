package receipt

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fullReceipt() Receipt {
	return Receipt{
		MessageID: testMsgID, Sender: testOrg, Recipient: testPerson, Class: 1,
		Channel: Notification, State: StateDelivered, Operator: testOperator, TransID: testTransID,
		Delivered: true, NotifiedBy: []string{"SMS", "EMail"}, SealedSHA256: RequestSHA256([]byte("r")),
		At: testAt, Attempts: 2,
	}
}

func TestMarshalJSONMasks(t *testing.T) {
	t.Parallel()
	r := fullReceipt()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	want := `{"messageId":"` + testMsgID + `","sender":"162021004748","recipient":"19530323****","recipientMasked":true,` +
		`"class":"1","channel":"notification","state":"delivered","operator":{"id":"165560000010","name":"Operatör A"},` +
		`"transId":"` + testTransID + `","delivered":true,"notifiedBy":["SMS","EMail"],` +
		`"sealedSha256":"` + RequestSHA256([]byte("r")) + `","at":"2026-11-26T10:30:00Z","attempts":2}`
	assert.JSONEq(t, want, string(b))
	assert.NotContains(t, string(b), string(testPerson))

	// A pointer masks as well; so does a receipt inside another value.
	b2, err := json.Marshal(struct{ R *Receipt }{&r})
	require.NoError(t, err)
	assert.NotContains(t, string(b2), string(testPerson))
	assert.Contains(t, string(b2), "19530323****")
}

func TestMarshalJSONKeepsOrganisationNumbers(t *testing.T) {
	t.Parallel()
	r := fullReceipt()
	r.Recipient = testOrg.RecipientID()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "162021004748", m["recipient"])
	assert.NotContains(t, m, "recipientMasked")
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	r := fullReceipt()

	full, err := json.Marshal(r.WithFullIDs())
	require.NoError(t, err)
	assert.Contains(t, string(full), `"recipient":"195303231855"`)
	assert.NotContains(t, string(full), "recipientMasked")
	var back Receipt
	require.NoError(t, json.Unmarshal(full, &back))
	assert.Equal(t, r, back)

	masked, err := json.Marshal(r)
	require.NoError(t, err)
	var mback Receipt
	require.NoError(t, json.Unmarshal(masked, &mback))
	assert.Equal(t, message.RecipientID("19530323****"), mback.Recipient)
	assert.False(t, mback.Recipient.Valid(), "a masked number is never mistaken for an identity")
	mback.Recipient = r.Recipient
	assert.Equal(t, r, mback, "all else survives")

	// Masked in, masked out, even when asked for full IDs.
	mback.Recipient = "19530323****"
	again, err := json.Marshal(mback.WithFullIDs())
	require.NoError(t, err)
	assert.JSONEq(t, string(masked), string(again))

	// The zero operator and class are left out and come back zero.
	p := Receipt{MessageID: "m", Recipient: testPerson, Channel: Paper, State: StatePaper, PaperReason: "no-mailbox", At: testAt}
	b, err := json.Marshal(p.WithFullIDs())
	require.NoError(t, err)
	assert.NotContains(t, string(b), "operator")
	assert.NotContains(t, string(b), "class")
	var pback Receipt
	require.NoError(t, json.Unmarshal(b, &pback))
	assert.Equal(t, p, pback)
}

func TestFullIDsOfNil(t *testing.T) {
	t.Parallel()
	var r *Receipt
	b, err := json.Marshal(r.WithFullIDs())
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}

func TestUnmarshalJSONRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc, want string }{
		{"unknown channel", `{"messageId":"m","channel":"fax","state":"delivered"}`, `receipt: unknown channel "fax"`},
		{"unknown state", `{"messageId":"m","channel":"digital","state":"lost"}`, `receipt: unknown state "lost"`},
		{"bad class", `{"messageId":"m","channel":"digital","state":"delivered","class":"4"}`, `"4" is not a protection class`},
		{"class as number", `{"messageId":"m","channel":"digital","state":"delivered","class":3}`, "cannot unmarshal number"},
		{"not an object", `[1]`, "cannot unmarshal array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r Receipt
			err := json.Unmarshal([]byte(tt.doc), &r)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestLogValueMasks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	r := fullReceipt()
	r.Problem = "p"
	log.Info("sent", "receipt", r)
	assert.Equal(t, `level=INFO msg=sent receipt.messageId=`+testMsgID+` receipt.recipient=19530323**** receipt.channel=notification `+
		`receipt.state=delivered receipt.operator=165560000010 receipt.transId=`+testTransID+` receipt.problem=p receipt.attempts=2`+"\n", buf.String())
}
