package mm

import (
	"context"
	"fmt"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"go.opentelemetry.io/otel/trace"
)

// Sender sends messages the right way: digitally to the recipient's
// mailbox, as a class-1 notification, or by paper, and says which in a
// receipt. It is safe for concurrent use.
type Sender struct {
	cfg Config
	far *far.Client
	fwd *forward.Client
	tel *telemetry.T // nil without providers
}

// New validates cfg and returns a Sender. It makes no network calls; use
// Check for a preflight against the Authority register.
func New(cfg Config) (*Sender, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	hc := cfg.HTTPClient
	if hc == nil {
		var err error
		hc, err = soap.NewHTTPClient(soap.TLSConfig{
			Certificate: cfg.sealer().TLSCertificate(), Roots: cfg.Roots,
			ConnectTimeout: cfg.ConnectTimeout, ReadTimeout: cfg.ReadTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	tel, err := telemetry.New(cfg.MeterProvider, cfg.TracerProvider, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s := &Sender{cfg: cfg, tel: tel}
	s.far, err = far.New(far.Config{
		Endpoints: cfg.FaR, HTTPClient: hc, CacheTTL: cfg.FaRCacheTTL, Logger: cfg.Logger,
		MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax, Now: cfg.Now,
		MeterProvider: cfg.MeterProvider, TracerProvider: cfg.TracerProvider,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s.fwd, err = forward.New(forward.Config{
		Signer: cfg.sealer(), HTTPClient: hc, Roots: cfg.Roots, MayActFor: s.mayActFor,
		AllowedHosts: cfg.AllowedOperatorHosts, AllowedOperators: cfg.AllowedOperators, AllowLocalNetworks: cfg.AllowLocalOperatorNetworks,
		MaxRetries: cfg.MaxRetries, RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax,
		Logger: cfg.Logger, Now: cfg.Now, MeterProvider: cfg.MeterProvider, TracerProvider: cfg.TracerProvider,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
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
// call) → the class's paper policy → FaR (Lookup) → deliver (classes 2–3)
// or notify (class 1) (Deliver) → paper (Paper) when the recipient has no
// usable mailbox, turned the sender away, is pending, or the operator
// answered Delivered=false.
//
// Errors are typed and the message is never dropped silently: ErrNotSent
// when nothing took it, ErrLookup when FaR could not be asked,
// ErrMaybeDelivered when a delivery may have landed (never followed by
// paper: send again later with the same ID), a *message.ValidationError
// for invalid input, and a *fault.Fault (errors.As) when the operator
// refused the message. When an attempt was made, the receipt of what is
// known comes back with the error.
//
// With a TracerProvider configured, Send is a span (mm.send) that is a
// child of ctx's, and each step a child of it.
func (s *Sender) Send(ctx context.Context, m *message.Message) (*receipt.Receipt, error) {
	if m == nil {
		return nil, fmt.Errorf("mm: %w: message is nil", ErrNotSent)
	}
	m.SetDefaults()
	if s.tel == nil {
		return s.send(ctx, m)
	}
	ctx, span := s.tel.StartMessage(ctx, telemetry.SpanSend, trace.SpanKindInternal, m.ID)
	r, err := s.send(ctx, m)
	o := outcomeOf(m, r, err)
	s.tel.Settled(ctx, span, o)
	switch o.State {
	case telemetry.StateFailed:
		span.Fail("not sent")
	case telemetry.StateUnknown:
		span.Fail("may or may not have arrived")
	}
	span.End()
	return r, err
}

// send is Send without the telemetry around it.
func (s *Sender) send(ctx context.Context, m *message.Message) (*receipt.Receipt, error) {
	_, vs := s.tel.Start(ctx, telemetry.SpanValidate, trace.SpanKindInternal)
	err := m.Validate()
	vs.EndErr(err, "invalid message")
	if err != nil {
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Err: err})
		return nil, fmt.Errorf("mm: message %s: %w", m.ID, err)
	}
	if s.cfg.PaperPolicyFor(m.Class) == PaperOnly {
		return s.Paper(ctx, m, message.PaperClassPolicy, nil)
	}
	start := s.now()
	ds, err := s.Lookup(ctx, m.Recipient)
	if err != nil {
		s.emit(Event{Kind: EventFailed, MessageID: m.ID, Class: m.Class, Err: err})
		return nil, fmt.Errorf("mm: message %s: %w", m.ID, err)
	}
	s.emit(Event{Kind: EventLookedUp, MessageID: m.ID, Class: m.Class, Duration: s.now().Sub(start)})
	d := ds[0]
	if !d.Digital {
		return s.Paper(ctx, m, d.Reason, nil)
	}
	r, err := s.Deliver(ctx, m, *d.Operator)
	if err != nil || r.State != receipt.StateDeclined {
		return r, err
	}
	return s.Paper(ctx, m, message.PaperOperatorDeclined, r)
}

// Config returns the configuration the Sender works with: the one New was
// given, its zero fields set to their defaults.
func (s *Sender) Config() Config { return s.cfg }

func (s *Sender) now() time.Time { return s.cfg.Now() }

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
