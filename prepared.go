package mm

import (
	"context"
	"fmt"
	"time"

	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
)

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
// operator a Lookup decision named. Nothing is sent; a refusal (the
// operator's address, the signer's rights, signing) wraps ErrNotSent, as
// from Deliver.
func (s *Sender) Prepare(m *message.Message, op message.Operator) (*Prepared, error) {
	if m.Class.Operation() == securityclass.OpNotify {
		return &Prepared{m: m, op: op}, nil
	}
	start := s.now()
	fp, err := s.fwd.Prepare(op, message.NewDelivery(s.cfg.Sender, m), s.cfg.Signer)
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
	took := p.took + s.now().Sub(start)
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
