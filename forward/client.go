package forward

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
	"go.opentelemetry.io/otel/trace"
)

// Client seals and delivers. It is safe for concurrent use.
type Client struct {
	cfg   Config
	soap  *soap.Client
	addrs addressPolicy
	now   func() time.Time
	log   *slog.Logger
	tel   *telemetry.T
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	addrs := addressPolicy{allow: slices.Clone(cfg.AllowLocalNetworks)}
	tel, err := telemetry.New(cfg.MeterProvider, cfg.TracerProvider, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	sc, err := soap.New(soap.Config{
		HTTPClient: addrs.guard(cfg.HTTPClient), MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax, Logger: cfg.Logger, OnRetry: tel.OnRetry(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c := &Client{cfg: cfg, soap: sc, addrs: addrs, now: cfg.Now, log: cfg.Logger, tel: tel}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// ErrMaybeDelivered is wrapped when a request may have reached the
// operator but no answer was read: a timeout after sending, a lost
// connection, an operator down until the deadline. The receipt's state is
// unknown; sending again with the same message ID is safe.
var ErrMaybeDelivered = errors.New("the message may or may not have arrived")

// DeliverSecure verifies a signed delivery made anywhere — the sender's
// signature chained to Roots, its signer allowed to sign for the sender —
// seals it as the intermediary and delivers it to op. The proof holds the
// receipt, the exact request sent and the answer.
//
// Refused locally, before anything is sent: an invalid signature
// (sign.ErrSignatureInvalid and kin), a signer or a sealer that may not act
// for the sender (ErrNotAuthorised), an operator address outside the
// policy (ErrOperatorAddress), a signature the SDK verifies but the
// operators' own verifier would refuse (ErrOperatorProfile).
func (c *Client) DeliverSecure(ctx context.Context, op message.Operator, signed []byte) (*receipt.Proof, error) {
	if c.cfg.Roots == nil {
		return nil, fmt.Errorf("%w: Roots are required to verify senders' signatures", ErrConfig)
	}
	if err := c.checkOperator(op); err != nil {
		return nil, err
	}
	ctx, span := c.tel.Start(ctx, telemetry.SpanDeliver, trace.SpanKindClient)
	defer span.End()
	_, vs := c.tel.Start(ctx, telemetry.SpanVerify, trace.SpanKindInternal)
	v, err := sign.Verify(signed, sign.VerifyOptions{Roots: c.cfg.Roots, At: c.now(), AllowSHA1: c.cfg.AllowSHA1})
	vs.EndErr(err, "signature refused")
	if err != nil {
		span.Fail("signature refused")
		return nil, fmt.Errorf("forward: the sender's signature: %w", err)
	}
	if _, sealed := v.Level(sign.LevelSeal); sealed {
		span.Fail("sealed already")
		return nil, fmt.Errorf("forward: %w: the delivery is sealed already; DeliverSecure takes a SignedDelivery", sign.ErrMalformed)
	}
	d := v.Delivery
	lvl, _ := v.Level(sign.LevelSender)
	if !c.mayActFor(lvl.Signer.OrgNumber, d.Sender.ID) {
		span.Fail("not authorised")
		return nil, fmt.Errorf("forward: %w: the delivery is signed by %s, who may not sign for %s", ErrNotAuthorised, orgText(lvl.Signer.OrgNumber), d.Sender.ID)
	}
	p, err := c.seal(ctx, span, op, d, v.SignedDelivery, true)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, span, p)
}

// Deliver signs d with signer (the sender's certificate, or an
// intermediary's allowed to sign for the sender), seals it and delivers it
// to op: the path of an agency that is its own intermediary. Its own fresh
// signature is not verified again.
func (c *Client) Deliver(ctx context.Context, op message.Operator, d *message.Delivery, signer *sign.Signer) (*receipt.Proof, error) {
	ctx, span := c.tel.Start(ctx, telemetry.SpanDeliver, trace.SpanKindClient)
	defer span.End()
	p, err := c.prepare(ctx, span, op, d, signer)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, span, p)
}

// seal seals signed for op; a failure fails span. A foreign signature —
// made elsewhere and only verified here — is first held to what the
// operators' own verifier accepts: the SDK's verifier also takes older
// profiles (two Transforms, a chain in KeyInfo, declarations kept by
// inclusive C14N) that no operator checks, and sealing one would only earn
// a 5006 fault after a round trip. The SDK's own signatures are made in
// that profile.
func (c *Client) seal(ctx context.Context, span telemetry.Span, op message.Operator, d *message.Delivery, signed []byte, foreign bool) (*Prepared, error) {
	if !c.mayActFor(c.cfg.Signer.OrgNumber(), d.Sender.ID) {
		span.Fail("not authorised")
		return nil, fmt.Errorf("forward: %w: the sealer %s may not act for %s", ErrNotAuthorised, c.cfg.Signer.OrgNumber(), d.Sender.ID)
	}
	first := d.Messages[0]
	if span.On() {
		span.Set(telemetry.KeyMessageID.String(telemetry.Text(first.ID)), telemetry.KeyClass.Int(int(first.Class.OrDefault())))
	}
	_, ss := c.tel.Start(ctx, telemetry.SpanSeal, trace.SpanKindInternal)
	env, err := sealedRequest(c.cfg.Signer, signed, c.now())
	if err == nil && foreign {
		if err = opverify.Verify(env); err != nil {
			err = fmt.Errorf("forward: %w: %w", ErrOperatorProfile, err)
		}
	}
	ss.EndErr(err, "sealing failed")
	if err != nil {
		span.Fail("sealing failed")
		return nil, err
	}
	a := receipt.Attempt{
		MessageID: first.ID, Sender: d.Sender.ID, Recipient: first.Recipient, Class: first.Class.OrDefault(),
		Operator: op.Identity(), Request: env,
	}
	return &Prepared{op: op, env: env, a: a}, nil
}

// Notify delivers a class-1 notification to op. It carries no signature:
// the client certificate (the Signer's organisation) is who calls, and it
// must be allowed to act for the notification's sender.
func (c *Client) Notify(ctx context.Context, op message.Operator, n *message.Notification) (*receipt.Proof, error) {
	if err := c.checkOperator(op); err != nil {
		return nil, err
	}
	if !c.mayActFor(c.cfg.Signer.OrgNumber(), n.Sender.ID) {
		return nil, fmt.Errorf("forward: %w: %s may not notify for %s", ErrNotAuthorised, c.cfg.Signer.OrgNumber(), n.Sender.ID)
	}
	env, err := NotifyRequest(n)
	if err != nil {
		return nil, err
	}
	m := n.Message
	ctx, span := c.tel.Start(ctx, telemetry.SpanNotify, trace.SpanKindClient)
	defer span.End()
	if span.On() {
		span.Set(telemetry.KeyMessageID.String(telemetry.Text(m.ID)), telemetry.KeyClass.Int(int(securityclass.Class1)))
	}
	a := receipt.Attempt{
		MessageID: m.ID, Sender: n.Sender.ID, Recipient: m.Recipient, Class: securityclass.Class1,
		Operator: op.Identity(), Request: env,
	}
	resp, p, err := c.call(ctx, span, telemetry.MethodNotify, op, env, &a)
	if err != nil {
		return nil, err
	}
	res, err := receipt.DecodeNotifyResponse(p.Decoder, p.Start)
	if err == nil {
		err = p.End()
	}
	if err != nil {
		return c.unreadable(span, a, receipt.Notification, resp, err)
	}
	r, err := receipt.FromNotifyResult(a, res)
	if err != nil {
		return c.unreadable(span, a, receipt.Notification, resp, err)
	}
	c.logOutcome(r)
	return &receipt.Proof{Receipt: *r, Request: env, Response: resp.Body}, nil
}

// call posts the request and classifies failures. The receipt's state
// follows the SOAP layer's retry decision (soap.Fault.Retryable): a fault
// it does not retry — an application code 5000–9999, or a fault without a
// readable code whose faultcode blames the request (soap:Client) — means
// the operator refused the message: nothing landed, failed. A fault it
// retries that lasted through every attempt — a technical code, or a
// codeless soap:Server fault, after which nothing says the operator did
// not store the message — may have landed: unknown. A redirect is the
// server's refusal to take the request where it was sent: failed, and not
// followed. A failure before the body could leave (the operator's
// certificate not trusted, an address the policy refuses) leaves nothing
// behind either. Any other failure may have landed. On success it returns
// the answer positioned at its payload. The call is measured as method
// within span; the span fails when the call does.
func (c *Client) call(ctx context.Context, span telemetry.Span, method string, op message.Operator, env []byte, a *receipt.Attempt) (*soap.Response, *soap.Payload, error) {
	ctx, tc := c.tel.BeginCall(ctx, span, method, op.ServiceAddress, op.Name)
	resp, err := c.soap.Call(ctx, op.ServiceAddress, env)
	tc.End(ctx, err)
	if err != nil {
		span.Fail("call failed")
		var ce *soap.CallError
		if errors.As(err, &ce) {
			a.Attempts = ce.Attempts
		}
		a.At = c.now()
		var f *soap.Fault
		switch {
		case errors.As(err, &f) && !f.Retryable(), errors.Is(err, soap.ErrRedirect):
			return nil, nil, &Error{Receipt: receipt.NewFailed(*a, channelOf(a), err), err: err}
		case nothingSent(err):
			a.Request = nil
			return nil, nil, &Error{Receipt: receipt.NewFailed(*a, receipt.None, err), err: err}
		}
		return nil, nil, &Error{Receipt: receipt.NewUnknown(*a, channelOf(a), err), err: fmt.Errorf("%w: %w", ErrMaybeDelivered, err)}
	}
	a.Attempts, a.At = resp.Attempts, c.now()
	p, err := soap.ReadResponse(resp.Body)
	if err != nil {
		_, perr := c.unreadable(span, *a, channelOf(a), resp, err)
		return nil, nil, perr
	}
	return resp, p, nil
}

func channelOf(a *receipt.Attempt) receipt.Channel { return receipt.DigitalChannel(a.Class) }

// unreadable turns an answer that cannot be read into an unknown outcome:
// the operator answered, but what it said is not clear.
func (c *Client) unreadable(span telemetry.Span, a receipt.Attempt, ch receipt.Channel, resp *soap.Response, err error) (*receipt.Proof, error) {
	span.Fail("unreadable answer")
	r := receipt.NewUnknown(a, ch, err)
	return nil, &Error{Receipt: r, Response: resp.Body, err: fmt.Errorf("%w: unreadable answer: %w", ErrMaybeDelivered, err)}
}

// nothingSent reports failures that happen before the body can leave: the
// operator's certificate is not trusted (the TLS handshake precedes any
// data), the address is refused (also when connected: see address.go).
func nothingSent(err error) bool {
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	var cerr x509.CertificateInvalidError
	var tlsErr *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.As(err, &tlsErr), errors.As(err, &uerr), errors.As(err, &herr), errors.As(err, &cerr), errors.As(err, &rec):
		return true
	case errors.Is(err, soap.ErrInsecureURL), errors.Is(err, ErrOperatorAddress):
		return true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	}
	return false
}

func (c *Client) logOutcome(r *receipt.Receipt) {
	if c.log == nil {
		return
	}
	c.log.Info("delivery", "message", r.MessageID, "recipient", r.Recipient, "operator", r.Operator.Name,
		"state", r.State, "trans_id", r.TransID, "attempts", r.Attempts)
}

func orgText(o message.OrgNumber) string {
	if o == "" {
		return "a certificate without an organisation number"
	}
	return string(o)
}
