package mm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
	"go.opentelemetry.io/otel/trace"
)

// The steps Send takes, for callers that record each one before the next
// (package mailing journals every message between them): the class's
// paper policy (Config.PaperPolicyFor), Lookup, then Deliver or Paper, and
// Paper after a decline. Deliver is Prepare (sign and seal, CPU only) then
// DeliverPrepared (the round trip), for callers that bound the two apart.

// Lookup asks FaR how each recipient can be reached from this sender and
// decides for each (far.Reachability.Decide), in the order given: one call
// for every far.MaxPerCall recipients. The error wraps ErrLookup; nothing
// was sent.
func (s *Sender) Lookup(ctx context.Context, ids ...message.RecipientID) ([]far.Decision, error) {
	answers, err := s.far.IsReachable(ctx, s.cfg.Sender.ID, ids...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLookup, err)
	}
	ds := make([]far.Decision, len(answers))
	for i, a := range answers {
		ds[i] = a.Decide()
	}
	return ds, nil
}

// Deliver sends m — valid, with its defaults set — to op, the operator a
// Lookup decision named: a signed and sealed delivery for classes 2 and 3,
// a notification for class 1. It returns a delivered or a declined receipt
// (the operator answered Delivered=false: Paper comes next), or an error
// with the receipt of what is known, as Send's errors. It never falls back
// to paper itself.
func (s *Sender) Deliver(ctx context.Context, m *message.Message, op message.Operator) (*receipt.Receipt, error) {
	start := s.now()
	var proof *receipt.Proof
	var err error
	if m.Class.Operation() == securityclass.OpNotify {
		proof, err = s.fwd.Notify(ctx, op, &message.Notification{Sender: s.cfg.Sender, Message: m})
	} else {
		proof, err = s.fwd.Deliver(ctx, op, message.NewDelivery(s.cfg.Sender, m), s.cfg.Signer)
	}
	return s.answered(m, op, s.now().Sub(start), proof, err)
}

// answered reports a digital attempt by its proof, or by its error: the
// events, the log, the proof kept.
func (s *Sender) answered(m *message.Message, op message.Operator, took time.Duration, proof *receipt.Proof, err error) (*receipt.Receipt, error) {
	if err != nil {
		return s.failed(m, op, took, err)
	}
	r := proof.Receipt
	if s.cfg.OnProof != nil {
		if perr := s.cfg.OnProof(proof); perr != nil {
			return &r, fmt.Errorf("mm: message %s: %s, but the proof was not kept: %w", m.ID, r.State, perr)
		}
	}
	switch {
	case r.State == receipt.StateDeclined:
		s.emit(Event{Kind: EventDeclined, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took})
	case r.Channel == receipt.Notification:
		s.emit(Event{Kind: EventNotified, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took})
		s.log("sent", &r)
	default:
		s.emit(Event{Kind: EventDelivered, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took})
		s.log("sent", &r)
	}
	return &r, nil
}

// failed reports a digital attempt that ended without an answer to act on.
func (s *Sender) failed(m *message.Message, op message.Operator, took time.Duration, err error) (*receipt.Receipt, error) {
	var fe *forward.Error
	if !errors.As(err, &fe) {
		// Refused locally (address policy, authorisation, signing): nothing
		// left the process.
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took, Err: err})
		return nil, fmt.Errorf("mm: message %s: %w: %w", m.ID, ErrNotSent, err)
	}
	r := fe.Receipt
	if errors.Is(err, forward.ErrMaybeDelivered) {
		s.emit(Event{Kind: EventUnknown, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took, Err: err})
		s.log("maybe delivered", r)
		return r, fmt.Errorf("mm: message %s: %w", m.ID, err)
	}
	s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Operator: op.Name, Duration: took, Err: err})
	s.log("refused", r)
	return r, fmt.Errorf("mm: message %s: %w: %w", m.ID, ErrNotSent, err)
}

// Paper hands m — valid, with its defaults set — to paper mail for why,
// when PaperAllowed allows it, and returns the paper receipt. declined is
// the operator's declined receipt when the letter follows a decline (the
// paper receipt keeps it as evidence), nil otherwise. The error wraps
// ErrNotSent, with the receipt of what is known.
func (s *Sender) Paper(ctx context.Context, m *message.Message, why message.PaperReason, declined *receipt.Receipt) (*receipt.Receipt, error) {
	if s.tel == nil {
		return s.paper(ctx, m, why, declined)
	}
	ctx, span := s.tel.StartMessage(ctx, telemetry.SpanPaper, trace.SpanKindInternal, m.ID)
	if span.On() {
		span.Set(telemetry.KeyPaperReason.String(string(why)))
	}
	r, err := s.paper(ctx, m, why, declined)
	if err == nil {
		s.tel.PaperHandoff(ctx, string(why), int(m.Class.OrDefault()))
	}
	span.EndErr(err, "not handed to paper mail")
	return r, err
}

// paper is Paper without the telemetry around it.
func (s *Sender) paper(ctx context.Context, m *message.Message, why message.PaperReason, declined *receipt.Receipt) (*receipt.Receipt, error) {
	a := receipt.Attempt{MessageID: m.ID, Sender: s.cfg.Sender.ID, Recipient: m.Recipient, Class: m.Class, At: s.now()}
	notSent := func(cause error) (*receipt.Receipt, error) {
		r := receipt.NewFailed(a, receipt.None, cause)
		if declined != nil {
			r = declined
		}
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, PaperReason: why, Err: cause})
		s.log("not sent", r)
		return r, fmt.Errorf("mm: message %s: %w: %w", m.ID, ErrNotSent, cause)
	}
	if err := s.PaperAllowed(m, why); err != nil {
		return notSent(err)
	}
	start := s.now()
	if err := s.cfg.Paper.SendPaper(ctx, m, why); err != nil {
		return notSent(fmt.Errorf("%s, and paper mail failed: %w", why, err))
	}
	var r *receipt.Receipt
	if declined != nil {
		var err error
		if r, err = declined.ToPaper(why, s.now()); err != nil {
			return notSent(err)
		}
	} else {
		r = receipt.NewPaper(a, why)
	}
	s.emit(Event{Kind: EventPaper, MessageID: m.ID, Class: m.Class, PaperReason: why, Duration: s.now().Sub(start)})
	s.log("sent by paper", r)
	return r, nil
}

// PaperAllowed returns nil when Paper may hand m to paper mail for why, and
// otherwise why not: no paper mail is configured, or m's class has no paper
// fallback. A caller that records each step asks first, so that it records
// a paper attempt only when one will be made.
func (s *Sender) PaperAllowed(m *message.Message, why message.PaperReason) error {
	switch {
	case s.cfg.PaperPolicyFor(m.Class) == NoPaperFallback:
		return fmt.Errorf("%s, and %s has no paper fallback by configuration", why, m.Class.OrDefault())
	case s.cfg.Paper == nil:
		return fmt.Errorf("%s, and no paper mail is configured", why)
	}
	return nil
}

// Prepared is a message made ready to go to its operator: for classes 2
// and 3 signed and sealed, for class 1 only checked (a notification
// carries no signature). Deliver is Prepare then DeliverPrepared; the
// split lets a caller that bounds its requests in flight (package
// mailing) do the CPU work outside that bound.
type Prepared struct {
	m    *message.Message
	op   message.Operator
	fwd  *forward.Prepared // nil for a notification
	took time.Duration     // Prepare's time, counted in the events' Duration
}

// Prepare signs and seals m — valid, with its defaults set — for op, the
// operator a Lookup decision named (with a tracer, its sign and seal
// spans are children of ctx's). Nothing is sent; a refusal (the
// operator's address, the signer's rights, signing) wraps ErrNotSent, as
// from Deliver.
func (s *Sender) Prepare(ctx context.Context, m *message.Message, op message.Operator) (*Prepared, error) {
	if m.Class.Operation() == securityclass.OpNotify {
		return &Prepared{m: m, op: op}, nil
	}
	start := s.now()
	fp, err := s.fwd.Prepare(ctx, op, message.NewDelivery(s.cfg.Sender, m), s.cfg.Signer)
	took := s.now().Sub(start)
	if err != nil {
		_, err = s.failed(m, op, took, err)
		return nil, err
	}
	return &Prepared{m: m, op: op, fwd: fp, took: took}, nil
}

// DeliverPrepared sends what Prepare made and returns as Deliver does: a
// delivered or a declined receipt, or an error with the receipt of what is
// known. Sending the same Prepared again is a resend of the same request.
func (s *Sender) DeliverPrepared(ctx context.Context, p *Prepared) (*receipt.Receipt, error) {
	m, op := p.m, p.op
	start := s.now()
	var proof *receipt.Proof
	var err error
	if p.fwd == nil {
		proof, err = s.fwd.Notify(ctx, op, &message.Notification{Sender: s.cfg.Sender, Message: m})
	} else {
		proof, err = s.fwd.Send(ctx, p.fwd)
	}
	return s.answered(m, op, p.took+s.now().Sub(start), proof, err)
}
