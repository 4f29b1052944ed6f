package mailing

import (
	"fmt"
	"time"

	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
)

// DeliverSecureOverhead is what a deliverSecure request adds, in bytes,
// around the Delivery element that package message writes: the SOAP
// envelope, the deliverSecure wrappers, SignedDelivery, the Seal, two
// signatures (sender and intermediary) whose KeyInfo each carry the
// signer's RSA-2048 certificate (SPEC §4: the leaf only), and the
// prefixes of the wire form. Measured by TestDeliverSecureOverhead and
// rounded up; a larger certificate adds its base64 size twice.
// MeasureOverhead gives the figure for a signer.
const DeliverSecureOverhead = 5376

// MessageSize returns the exact size in bytes of m as a SecureMessage
// element on the wire, the part the 2 MB limit counts (SPEC §3, §4.17). It
// is the growth of a delivery by a second copy of m, which package message
// can count without writing anything.
func MessageSize(sender message.Sender, m *message.Message) int {
	return message.NewDelivery(sender, m, m).DeliverySize() - message.NewDelivery(sender, m).DeliverySize()
}

// RequestSize returns the size in bytes of the HTTP request body that
// carries m: for class 1 the notify request exactly (no signatures); for
// classes 2 and 3 the Delivery element plus overhead (DeliverSecureOverhead,
// or MeasureOverhead's figure), which is the request's size to within the
// few bytes a message's own elements take in the prefixed wire form (an
// attachment makes the estimate a couple of hundred bytes high). m must be
// valid and have its ID.
func RequestSize(sender message.Sender, m *message.Message, overhead int) (int, error) {
	if m.Class.Operation() == securityclass.OpNotify {
		req, err := forward.NotifyRequest(&message.Notification{Sender: sender, Message: m})
		return len(req), err
	}
	return message.NewDelivery(sender, m).DeliverySize() + overhead, nil
}

// MeasureOverhead builds the request forward sends for a small delivery
// signed and sealed by s, as a sender that is its own intermediary does,
// and returns the bytes it adds around the Delivery element: RequestSize's
// overhead for this signer.
func MeasureOverhead(s *sign.Signer) (int, error) {
	m := &message.Message{
		ID: "00000000-0000-4000-8000-000000000000", Recipient: s.OrgNumber().RecipientID(),
		Subject: "x", Body: message.Body{ContentType: message.ContentTypePlain, Text: "x"},
		Support: message.SupportInfo{Text: "x"},
	}
	d := message.NewDelivery(message.Sender{ID: s.OrgNumber(), Name: "xx"}, m)
	req, err := forward.DeliverSecureRequest(d, s, s, time.Now())
	if err != nil {
		return 0, fmt.Errorf("mailing: measure overhead: %w", err)
	}
	return len(req) - d.DeliverySize(), nil
}
