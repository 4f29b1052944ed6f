package mailing

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
)

var testSender = message.Sender{ID: "162021004748", Name: "Kommun A"}

// sizeMessage is a valid class-3 message with an attachment of n bytes.
func sizeMessage(n int) *message.Message {
	m := &message.Message{
		ID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b", Recipient: "195303231855", Subject: "Beslut om bygglov",
		Body:    message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support: message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
	}
	if n > 0 {
		m.Attachments = []message.Attachment{{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: bytes.Repeat([]byte("%"), n)}}
	}
	return m.SetDefaults()
}

// testSigner is an organisation certificate as Expisoft issues them, with
// its CA in the chain: the shape DeliverSecureOverhead is measured for.
func testSigner(t *testing.T) *sign.Signer {
	t.Helper()
	ca, err := testpki.NewCA("MM Test CA")
	require.NoError(t, err)
	leaf, err := ca.Org(string(testSender.ID), testSender.Name)
	require.NoError(t, err)
	s, err := sign.NewSigner(leaf.Key, leaf.Chain)
	require.NoError(t, err)
	return s
}

// TestDeliverSecureOverhead builds real requests — signed, sealed, in
// their SOAP envelope — and checks the size estimates against them.
func TestDeliverSecureOverhead(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	measured, err := MeasureOverhead(s)
	require.NoError(t, err)
	t.Logf("overhead with an RSA-2048 organisation certificate: %d bytes (constant %d)", measured, DeliverSecureOverhead)
	assert.GreaterOrEqual(t, DeliverSecureOverhead, measured, "the constant does not underestimate")
	assert.Less(t, DeliverSecureOverhead-measured, 512, "the constant is the measured figure rounded up")

	for _, n := range []int{0, 1000, 300_000} {
		m := sizeMessage(n)
		req, err := forward.DeliverSecureRequest(message.NewDelivery(testSender, m), s, s, time.Now())
		require.NoError(t, err)
		got, err := RequestSize(testSender, m, measured)
		require.NoError(t, err)
		t.Logf("attachment of %d bytes: request %d bytes, estimate %d", n, len(req), got)
		assert.InDelta(t, len(req), got, prefixSlack, "attachment of %d bytes: the estimate is the request's size but for the prefixes of the elements an attachment adds", n)
	}
}

func TestRequestSizeOfNotification(t *testing.T) {
	t.Parallel()
	m := sizeMessage(0)
	m.Class = securityclass.Class1
	m.SMS = &message.SMSNotice{From: "Kommun A", Text: "Du har fått post"}
	req, err := forward.NotifyRequest(&message.Notification{Sender: testSender, Message: m})
	require.NoError(t, err)
	got, err := RequestSize(testSender, m, DeliverSecureOverhead)
	require.NoError(t, err)
	assert.Equal(t, len(req), got, "class 1 is exact: no signatures")

	m.Subject = ""
	_, err = RequestSize(testSender, m, 0)
	assert.ErrorIs(t, err, message.ErrInvalid)
}

// TestMessageSizeIsWhatTheLimitCounts compares MessageSize with the size
// message.Validate reports for a message just over 2 MB.
func TestMessageSizeIsWhatTheLimitCounts(t *testing.T) {
	t.Parallel()
	m := sizeMessage(3 << 19) // 1.5 MiB encodes to 2 MiB of base64, plus the rest
	err := m.Validate()
	var ve *message.ValidationError
	for _, e := range flatten(err) {
		if errors.As(e, &ve) && errors.Is(e, message.ErrTooLarge) {
			break
		}
	}
	require.NotNil(t, ve)
	assert.Equal(t, fmt.Sprintf("%d bytes", MessageSize(testSender, m)), ve.Value)
	assert.Greater(t, MessageSize(testSender, m), message.MaxSecureMessage)
	assert.Less(t, MessageSize(testSender, sizeMessage(1000)), 3000)
}

// prefixSlack bounds how far RequestSize may be from a class-2 or class-3
// request: the prefixed wire form writes a prefix on every element, so
// the elements an attachment adds make a request a few dozen bytes longer
// than the Delivery element plus a constant overhead says.
const prefixSlack = 256
