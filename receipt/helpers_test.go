package receipt

import (
	"bytes"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

// Test identities: 195303231855 and 198101052382 are test personal numbers,
// 162021004748 a test organisation number; none belongs to anyone.
const (
	testPerson  message.RecipientID = "195303231855"
	testPerson2 message.RecipientID = "198101052382"
	testOrg     message.OrgNumber   = "162021004748"
	testMsgID                       = "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b"
	testTransID                     = "3832352f-fa74-4c17-ab6a-a6e3ab8324f3"
)

var (
	testOperator = message.Operator{ID: "165560000010", Name: "Operatör A"}
	testAt       = time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)
)

const soapOpen = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`
const soapClose = `</soap:Body></soap:Envelope>`

func envelope(payload []byte) []byte {
	return append(append([]byte(soapOpen), payload...), soapClose...)
}

func testMessage(to message.RecipientID) *message.Message {
	return &message.Message{
		ID:        testMsgID,
		Recipient: to,
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring kommunens kontaktcenter."},
		Language:  message.DefaultLanguage,
	}
}

// deliverRequest is a deliverSecure request envelope as a sender sends it,
// with placeholder signatures (their bytes do not matter to a receipt).
func deliverRequest(t testing.TB, to message.RecipientID) []byte {
	t.Helper()
	d := message.NewDelivery(message.Sender{ID: testOrg, Name: "Kommun A"}, testMessage(to))
	sd, err := d.MarshalSignedDelivery()
	require.NoError(t, err)
	return envelope(conformance.WrapUnsignedDelivery(sd))
}

// notifyRequest is a notify request envelope for a class-1 message.
func notifyRequest(t testing.TB, to message.RecipientID) []byte {
	t.Helper()
	m := testMessage(to)
	m.Class = 1
	n := &message.Notification{Sender: message.Sender{ID: testOrg, Name: "Kommun A"}, Message: m}
	nd, err := n.MarshalNotification()
	require.NoError(t, err)
	// Inside the prefixed wrapper the default namespace stays Notification/v3,
	// so the NotificationDelivery's children keep theirs.
	root := []byte(`<NotificationDelivery xmlns="` + message.NSNotificationV3 + `">`)
	require.True(t, bytes.HasPrefix(nd, root))
	inner := bytes.TrimSuffix(nd[len(root):], []byte(`</NotificationDelivery>`))
	var b bytes.Buffer
	b.WriteString(`<s:notify xmlns:s="` + message.NSServiceV3 + `"><s:notify xmlns="` + message.NSNotificationV3 + `">`)
	b.Write(inner)
	b.WriteString(`</s:notify></s:notify>`)
	return envelope(b.Bytes())
}

func deliverAnswer(t testing.TB, to message.RecipientID, delivered bool) []byte {
	t.Helper()
	b, err := AppendDeliverSecureResponse(nil, &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{RecipientID: to, Delivered: delivered}}})
	require.NoError(t, err)
	return envelope(b)
}

func notifyAnswer(t testing.TB, to message.RecipientID, delivered bool, by ...string) []byte {
	t.Helper()
	b, err := AppendNotifyResponse(nil, &NotifyResult{TransID: testTransID, Statuses: []NotifyStatus{{RecipientID: to, Delivered: delivered, NotifiedBy: by}}})
	require.NoError(t, err)
	return envelope(b)
}

func testAttempt(req []byte) Attempt {
	return Attempt{
		MessageID: testMsgID, Sender: testOrg, Recipient: testPerson, Class: 3,
		Operator: testOperator, Request: req, Attempts: 1, At: testAt,
	}
}
