package mm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
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
	p, err := s.Prepare(m, op)
	if err != nil {
		return nil, err
	}
	return s.DeliverPrepared(ctx, p)
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
