package forward

import (
	"context"
	"fmt"
	"runtime"

	"github.com/avsandare/mm/internal/telemetry"
	"go.opentelemetry.io/otel/trace"

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
	op   message.Operator
	env  []byte
	a    receipt.Attempt
	span telemetry.Span // the delivery's, begun by Prepare, ended by Send
}

// Request is the SOAP request Send posts.
func (p *Prepared) Request() []byte { return p.env }

// Prepare does what Deliver does before the request leaves — the checks,
// the signature, the seal — and returns the request, ready for Send. With
// a tracer it begins the delivery's span, a child of ctx's, with sign and
// seal under it; Send carries it on and ends it, so that a prepared
// delivery is one span as Deliver's is (a Prepared never sent leaves its
// span unended, and unexported).
func (c *Client) Prepare(ctx context.Context, op message.Operator, d *message.Delivery, signer *sign.Signer) (*Prepared, error) {
	ctx, span := c.tel.Start(ctx, telemetry.SpanDeliver, trace.SpanKindClient)
	p, err := c.prepare(ctx, span, op, d, signer)
	if err != nil {
		span.End()
		return nil, err
	}
	p.span = span
	return p, nil
}

// prepare is Prepare within span (Deliver's), which fails with it.
func (c *Client) prepare(ctx context.Context, span telemetry.Span, op message.Operator, d *message.Delivery, signer *sign.Signer) (*Prepared, error) {
	if err := c.checkOperator(op); err != nil {
		span.Fail("operator refused")
		return nil, err
	}
	if !c.mayActFor(signer.OrgNumber(), d.Sender.ID) {
		span.Fail("not authorised")
		return nil, fmt.Errorf("forward: %w: %s may not sign for %s", ErrNotAuthorised, signer.OrgNumber(), d.Sender.ID)
	}
	_, ss := c.tel.Start(ctx, telemetry.SpanSign, trace.SpanKindInternal)
	signed, err := signer.SignDelivery(d, sign.OnBehalfOf(d.Sender.ID))
	ss.EndErr(err, "signing failed")
	if err != nil {
		span.Fail("signing failed")
		return nil, fmt.Errorf("forward: sign: %w", err)
	}
	// Each RSA signature is about 0.9 ms of CPU that Go's scheduler does
	// not interrupt. Network goroutines readied meanwhile (an answer
	// arrived, a timer fired) wait for the processor until this goroutine
	// blocks; yielding between the two signatures halves that wait. In a
	// mailing rtt=200ms p=32 this took the mean time a request held its
	// slot from 235 to 211 ms, and the rate from 555 to 583 msgs/s.
	runtime.Gosched()
	return c.seal(ctx, span, op, d, signed, false)
}

// Send delivers a Prepared delivery, as Deliver does after sealing: the
// proof holds the receipt, the exact request sent and the answer. Sending
// the same Prepared again is a resend of the same bytes, which the
// operator answers from what it stored. The call goes on in the delivery
// span Prepare began (ctx still carries the deadline and cancellation),
// which Send ends.
func (c *Client) Send(ctx context.Context, p *Prepared) (*receipt.Proof, error) {
	span := p.span
	defer span.End()
	return c.send(span.Into(ctx), span, p)
}

// send is Send within span.
func (c *Client) send(ctx context.Context, span telemetry.Span, p *Prepared) (*receipt.Proof, error) {
	a := p.a
	resp, pl, err := c.call(ctx, span, telemetry.MethodDeliverSecure, p.op, p.env, &a)
	if err != nil {
		return nil, err
	}
	res, err := receipt.DecodeDeliverSecureResponse(pl.Decoder, pl.Start)
	if err == nil {
		err = pl.End()
	}
	if err != nil {
		return c.unreadable(span, a, receipt.Digital, resp, err)
	}
	r, err := receipt.FromDeliveryResult(a, res)
	if err != nil {
		return c.unreadable(span, a, receipt.Digital, resp, err)
	}
	c.logOutcome(r)
	return &receipt.Proof{Receipt: *r, Request: p.env, Response: resp.Body}, nil
}
