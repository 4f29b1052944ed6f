package mm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
)

// Sender sends messages the right way: digitally to the recipient's
// mailbox, as a class-1 notification, or by paper, and says which in a
// receipt. It is safe for concurrent use.
type Sender struct {
	cfg Config
	far *far.Client
	fwd *forward.Client
	now func() time.Time
}

// New validates cfg and returns a Sender. It makes no network calls; use
// Check for a preflight against the Authority register.
func New(cfg Config) (*Sender, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		hc, err = soap.NewHTTPClient(soap.TLSConfig{
			Certificate: cfg.sealer().TLSCertificate(), Roots: cfg.Roots,
			ConnectTimeout: cfg.ConnectTimeout, ReadTimeout: cfg.ReadTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
	}
	s := &Sender{cfg: cfg, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	s.far, err = far.New(far.Config{
		Endpoints: cfg.FaR, HTTPClient: hc, CacheTTL: cfg.FaRCacheTTL, Logger: cfg.Logger,
		MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	s.fwd, err = forward.New(forward.Config{
		Signer: cfg.sealer(), HTTPClient: hc, Roots: cfg.Roots, MayActFor: s.mayActFor,
		AllowedHosts: cfg.AllowedOperatorHosts, AllowedOperators: cfg.AllowedOperators, AllowLocalNetworks: cfg.AllowLocalOperatorNetworks,
		MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
		Logger: cfg.Logger, Now: s.now,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return s, nil
}

// mayActFor lets the configured signer and intermediary act for the
// sender: the configuration says they may, and Check confirms it with the
// Authority register.
func (s *Sender) mayActFor(org, sender message.OrgNumber) bool {
	if sender != s.cfg.Sender.ID {
		return false
	}
	return org == s.cfg.Signer.OrgNumber() || org == s.cfg.sealer().OrgNumber()
}

// Send sends m and returns a receipt that says which channel carried it and
// why: digital (delivered), notification (class 1), or paper (with the
// reason). Send fills in what m leaves out (ID, language, class; see
// message.Message.SetDefaults), so the caller can read m.ID afterwards.
//
// The path: validate (an invalid message is refused before any network
// call) → the class's paper policy → FaR → deliver (classes 2–3) or notify
// (class 1) → paper when the recipient has no usable mailbox, turned the
// sender away, is pending, or the operator answered Delivered=false.
//
// Errors are typed and the message is never dropped silently: ErrNotSent
// when nothing took it, ErrLookup when FaR could not be asked,
// ErrMaybeDelivered when a delivery may have landed (never followed by
// paper: send again later with the same ID), a *message.ValidationError
// for invalid input, and a *Fault (errors.As) when the operator refused
// the message. When an attempt was made, the receipt of what is
// known comes back with the error.
func (s *Sender) Send(ctx context.Context, m *message.Message) (*receipt.Receipt, error) {
	if m == nil {
		return nil, fmt.Errorf("mm: %w: message is nil", ErrNotSent)
	}
	m.SetDefaults()
	if err := m.Validate(); err != nil {
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Err: err})
		return nil, fmt.Errorf("mm: message %s: %w", m.ID, err)
	}
	if s.cfg.policy(m.Class) == PaperOnly {
		return s.paper(ctx, m, PaperClassPolicy, nil)
	}
	start := s.now()
	answers, err := s.far.IsReachable(ctx, s.cfg.Sender.ID, m.Recipient)
	if err != nil {
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Err: err})
		return nil, fmt.Errorf("mm: message %s: %w: %w", m.ID, ErrLookup, err)
	}
	s.emit(Event{Kind: EventLookedUp, MessageID: m.ID, Class: m.Class, Duration: s.now().Sub(start)})
	return s.SendTo(ctx, m, answers[0].Decide())
}

// SendTo sends m, already validated and with its defaults set, according to
// a FaR decision the caller made: digitally when the decision says so,
// otherwise by paper for its reason.
func (s *Sender) SendTo(ctx context.Context, m *message.Message, d far.Decision) (*receipt.Receipt, error) {
	if !d.Digital {
		return s.paper(ctx, m, PaperReason(d.Reason), nil)
	}
	r, err := s.digital(ctx, m, d.Operator)
	if err != nil || r.State != receipt.StateDeclined {
		return r, err
	}
	return s.paper(ctx, m, PaperOperatorDeclined, r)
}

// digital delivers (classes 2–3) or notifies (class 1) m to op. It returns
// a delivered or declined receipt, or an error with the receipt of what is
// known.
func (s *Sender) digital(ctx context.Context, m *message.Message, fop *far.Operator) (*receipt.Receipt, error) {
	op := forward.Operator{ID: fop.ID, Name: fop.Name, ServiceAddress: fop.ServiceAddress}
	start := s.now()
	var proof *receipt.Proof
	var err error
	if m.Class.OrDefault() == securityclass.Class1 {
		proof, err = s.fwd.Notify(ctx, op, &message.Notification{Sender: s.cfg.Sender, Message: m})
	} else {
		proof, err = s.fwd.Deliver(ctx, op, message.NewDelivery(s.cfg.Sender, m), s.cfg.Signer)
	}
	took := s.now().Sub(start)
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
func (s *Sender) failed(m *message.Message, op forward.Operator, took time.Duration, err error) (*receipt.Receipt, error) {
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

// paper hands m to paper mail for why, unless the class's policy forbids
// it. declined is the operator's answer when it declined.
func (s *Sender) paper(ctx context.Context, m *message.Message, why PaperReason, declined *receipt.Receipt) (*receipt.Receipt, error) {
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
	if err := s.paperAllowed(m, why); err != nil {
		return notSent(err)
	}
	start := s.now()
	if err := s.cfg.Paper.SendPaper(ctx, m, why); err != nil {
		return notSent(fmt.Errorf("%s, and paper mail failed: %w", why, err))
	}
	var r *receipt.Receipt
	if declined != nil {
		var err error
		if r, err = declined.ToPaper(string(why), s.now()); err != nil {
			return notSent(err)
		}
	} else {
		r = receipt.NewPaper(a, string(why))
	}
	s.emit(Event{Kind: EventPaper, MessageID: m.ID, Class: m.Class, PaperReason: why, Duration: s.now().Sub(start)})
	s.log("sent by paper", r)
	return r, nil
}

// paperAllowed tells whether m may go by paper for why.
func (s *Sender) paperAllowed(m *message.Message, why PaperReason) error {
	switch {
	case s.cfg.policy(m.Class) == NoPaperFallback:
		return fmt.Errorf("%s, and %s has no paper fallback by configuration", why, m.Class.OrDefault())
	case s.cfg.Paper == nil:
		return fmt.Errorf("%s, and no paper mail is configured", why)
	}
	return nil
}

func (s *Sender) emit(e Event) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(e)
	}
}

func (s *Sender) log(msg string, r *receipt.Receipt) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.Info(msg, "receipt", r)
	}
}

func (s *Sender) logMsg(msg string, m *message.Message) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.Warn(msg, "message", m.ID, "recipient", m.Recipient)
	}
}

func (s *Sender) logErr(msg string, err error) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.Warn(msg, "error", err)
	}
}
