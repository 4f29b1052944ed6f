package forward

import (
	"context"
	"fmt"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
)

// Prepared is a delivery signed and sealed, not yet sent: Prepare makes
// it, Send delivers it. The split lets a caller do the CPU work — two RSA
// signatures — outside the slot that bounds its requests in flight, so
// that the slot measures the network alone. The seal's ReceivedTime is
// the date at Prepare.
type Prepared struct {
	op  message.Operator
	env []byte
	a   receipt.Attempt
}

// Request is the SOAP request Send posts.
func (p *Prepared) Request() []byte { return p.env }

// Prepare does what Deliver does before the request leaves — the checks,
// the signature, the seal — and returns the request, ready for Send.
func (c *Client) Prepare(op message.Operator, d *message.Delivery, signer *sign.Signer) (*Prepared, error) {
	if err := c.checkOperator(op); err != nil {
		return nil, err
	}
	if !c.mayActFor(signer.OrgNumber(), d.Sender.ID) {
		return nil, fmt.Errorf("forward: %w: %s may not sign for %s", ErrNotAuthorised, signer.OrgNumber(), d.Sender.ID)
	}
	signed, err := signer.SignDelivery(d, sign.OnBehalfOf(d.Sender.ID))
	if err != nil {
		return nil, fmt.Errorf("forward: sign: %w", err)
	}
	return c.seal(op, d, signed, false)
}

// Send delivers a Prepared delivery, as Deliver does after sealing: the
// proof holds the receipt, the exact request sent and the answer. Sending
// the same Prepared again is a resend of the same bytes, which the
// operator answers from what it stored.
func (c *Client) Send(ctx context.Context, p *Prepared) (*receipt.Proof, error) {
	a := p.a
	resp, pl, err := c.call(ctx, p.op, p.env, &a)
	if err != nil {
		return nil, err
	}
	res, err := receipt.DecodeDeliverSecureResponse(pl.Decoder, pl.Start)
	if err == nil {
		err = pl.End()
	}
	if err != nil {
		return c.unreadable(a, receipt.Digital, resp, err)
	}
	r, err := receipt.FromDeliveryResult(a, res)
	if err != nil {
		return c.unreadable(a, receipt.Digital, resp, err)
	}
	c.logOutcome(r)
	return &receipt.Proof{Receipt: *r, Request: p.env, Response: resp.Body}, nil
}
