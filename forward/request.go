package forward

import (
	"fmt"
	"time"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// DeliverSecureRequest returns the exact SOAP request Deliver sends for d:
// signed by signer, sealed by sealer with the date of at. It contacts
// nothing, so a request can be built and inspected (or checked with
// mm verify) before anything is sent.
func DeliverSecureRequest(d *message.Delivery, signer, sealer *sign.Signer, at time.Time) ([]byte, error) {
	signed, err := signer.SignDelivery(d, sign.OnBehalfOf(d.Sender.ID))
	if err != nil {
		return nil, fmt.Errorf("forward: sign: %w", err)
	}
	return sealedRequest(sealer, signed, at)
}

// sealedRequest seals a signed delivery and wraps it for deliverSecure.
func sealedRequest(sealer *sign.Signer, signed []byte, at time.Time) ([]byte, error) {
	sealed, err := sealer.Seal(signed, at)
	if err != nil {
		return nil, fmt.Errorf("forward: seal: %w", err)
	}
	body, err := sign.AppendDeliverSecure(make([]byte, 0, len(sealed)+200), sealed)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	return soap.AppendEnvelope(make([]byte, 0, soap.EnvelopeLen(len(body))), body), nil
}

// NotifyRequest returns the exact SOAP request Notify sends for n.
func NotifyRequest(n *message.Notification) ([]byte, error) {
	body, err := n.AppendNotification([]byte(`<notify xmlns="`+message.NSServiceV3+`">`), "notify", message.NSServiceV3, message.NSServiceV3)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	body = append(body, "</notify>"...)
	return soap.AppendEnvelope(make([]byte, 0, soap.EnvelopeLen(len(body))), body), nil
}
