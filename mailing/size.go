package mailing

import (
	"fmt"
	"time"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
)

// DeliverSecureOverhead is what a deliverSecure request adds, in bytes,
// around the Delivery element that package message writes: the SOAP
// envelope, the deliverSecure wrappers, SignedDelivery, the Seal, and two
// signatures (sender and intermediary) whose KeyInfo each carry a
// two-certificate RSA-2048 chain. Measured by TestDeliverSecureOverhead
// with such a chain and rounded up. Every further certificate adds about
// twice its base64 size (1.5–2.5 KB); MeasureOverhead gives the exact
// figure for a signer.
const DeliverSecureOverhead = 7680

// notifyWrapper is what a notify request adds around the notification:
// the SOAP envelope and the outer notify element (the inner one is written
// by AppendNotification and counted there).
var notifyWrapper = soap.EnvelopeLen(len(`<notify xmlns="` + message.NSServiceV3 + `"></notify>`))

// MessageSize returns the exact size in bytes of m as a SecureMessage
// element on the wire, the part the 2 MB limit counts (SPEC §3, §4.17). It
// is the growth of a delivery by a second copy of m, which package message
// can count without writing anything.
func MessageSize(sender message.Sender, m *message.Message) int {
	return message.NewDelivery(sender, m, m).DeliverySize() - message.NewDelivery(sender, m).DeliverySize()
}

// RequestSize returns the size in bytes of the HTTP request body that
// carries m: for classes 2 and 3 the Delivery element exactly plus
// overhead (DeliverSecureOverhead, or MeasureOverhead's figure), for class
// 1 the notify request exactly (no signatures). m must be valid and have
// its ID.
func RequestSize(sender message.Sender, m *message.Message, overhead int) (int, error) {
	if m.Class.Operation() == securityclass.OpNotify {
		n := &message.Notification{Sender: sender, Message: m}
		b, err := n.AppendNotification(nil, "notify", message.NSServiceV3, message.NSServiceV3)
		if err != nil {
			return 0, err
		}
		return notifyWrapper + len(b), nil
	}
	return message.NewDelivery(sender, m).DeliverySize() + overhead, nil
}

// MeasureOverhead signs, seals and wraps a small delivery with s, as a
// sender that is its own intermediary does, and returns the bytes the
// request adds around the Delivery element: RequestSize's overhead for
// this signer.
func MeasureOverhead(s *sign.Signer) (int, error) {
	m := &message.Message{
		ID: "00000000-0000-4000-8000-000000000000", Recipient: s.OrgNumber().RecipientID(),
		Subject: "x", Body: message.Body{ContentType: message.ContentTypePlain, Text: "x"},
		Support: message.SupportInfo{Text: "x"},
	}
	d := message.NewDelivery(message.Sender{ID: s.OrgNumber(), Name: "xx"}, m)
	signed, err := s.SignDelivery(d)
	if err != nil {
		return 0, fmt.Errorf("mailing: measure overhead: %w", err)
	}
	sealed, err := s.Seal(signed, time.Now())
	if err != nil {
		return 0, fmt.Errorf("mailing: measure overhead: %w", err)
	}
	body, err := sign.AppendDeliverSecure(nil, sealed)
	if err != nil {
		return 0, fmt.Errorf("mailing: measure overhead: %w", err)
	}
	return soap.EnvelopeLen(len(body)) - d.DeliverySize(), nil
}
