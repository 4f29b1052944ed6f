package forward

import (
	"fmt"
	"time"

	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// DeliverSecureRequest returns the exact SOAP request Deliver sends for d:
// signed by signer, sealed by sealer with the date of at, in the prefixed
// wire form (see sign.DeliverSecureRequest). It contacts nothing, so a
// request can be built and inspected (or checked with mm verify) before
// anything is sent.
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
	req, err := sign.DeliverSecureRequest(sealed)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	return req, nil
}

// NotifyRequest returns the exact SOAP request Notify sends for n, in the
// same prefixed wire form as a deliverSecure request: every element
// prefixed, every namespace declared once on soap:Envelope.
func NotifyRequest(n *message.Notification) ([]byte, error) {
	inner, err := n.AppendNotification(nil, "notify", message.NSServiceV3, message.NSServiceV3)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	w := wireform.Readable().NewWriter(len(inner) + 32)
	w.Open(message.NSServiceV3, "notify")
	if err := w.Canonical(inner, message.NSServiceV3); err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	w.Close()
	return w.Envelope()
}
