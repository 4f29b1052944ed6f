package mm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// ExpiryWarning is how close to its expiry a certificate draws a warning.
const ExpiryWarning = 30 * 24 * time.Hour

// CheckReport is the outcome of a preflight.
type CheckReport struct {
	// Problems stop sending: each would make operators refuse deliveries.
	Problems []string
	// Warnings do not stop it yet, such as a certificate close to expiry.
	Warnings []string
}

// OK reports whether there are no problems.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// ErrPreflight is wrapped by Check's error when it found problems.
var ErrPreflight = errors.New("preflight found problems")

// Check confirms before sending — a large mailing above all — that the
// sender is registered in the Authority register (getSenders) and accepted
// by it (isSenderAccepted), that the intermediary, if another organisation, may act for it (getDispatchers),
// that the certificates belong to the right organisations, and that none
// expires within 30 days (a warning). The error wraps ErrPreflight and
// lists the problems; the report holds them too.
func (s *Sender) Check(ctx context.Context) (*CheckReport, error) {
	rep := &CheckReport{}
	sender := s.cfg.Sender.ID
	now := s.now()
	certs := []struct {
		role string
		sg   *sign.Signer
	}{{"signing", s.cfg.Signer}}
	if s.cfg.Intermediary != nil {
		certs = append(certs, struct {
			role string
			sg   *sign.Signer
		}{"intermediary", s.cfg.Intermediary})
	}
	for _, c := range certs {
		cert := c.sg.Certificate()
		switch {
		case now.After(cert.NotAfter):
			rep.Problems = append(rep.Problems, fmt.Sprintf("the %s certificate of %s expired on %s", c.role, c.sg.OrgNumber(), cert.NotAfter.Format(time.DateOnly)))
		case now.Before(cert.NotBefore):
			rep.Problems = append(rep.Problems, fmt.Sprintf("the %s certificate of %s is not valid until %s", c.role, c.sg.OrgNumber(), cert.NotBefore.Format(time.DateOnly)))
		case c.sg.ExpiresWithin(now, ExpiryWarning):
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the %s certificate of %s expires on %s, within 30 days: order a new one", c.role, c.sg.OrgNumber(), cert.NotAfter.Format(time.DateOnly)))
		}
	}

	senders, err := s.far.Senders(ctx)
	if err != nil {
		return rep, fmt.Errorf("mm: preflight: %w", err)
	}
	registered := false
	for _, r := range senders {
		if r.ID == sender {
			registered = true
		}
	}
	if !registered {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the sender %s is not registered in the Authority register (getSenders): operators will refuse its deliveries", sender))
	}
	// Asked even for a sender getSenders does not list, so that an answer
	// the service gives is never skipped; a refusal is its own problem
	// only when getSenders did list the sender, or the report would say
	// one thing twice.
	accepted, err := s.far.IsSenderAccepted(ctx, sender)
	if err != nil {
		return rep, fmt.Errorf("mm: preflight: %w", err)
	}
	if registered && !accepted {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the sender %s is registered but not accepted by the Authority register (isSenderAccepted is false): operators will refuse its deliveries", sender))
	}

	// Organisations other than the sender that sign or seal must be
	// dispatchers allowed for it.
	others := map[message.OrgNumber]string{}
	if o := s.cfg.Signer.OrgNumber(); o != sender {
		others[o] = "signs"
	}
	if s.cfg.Intermediary != nil && s.cfg.Intermediary.OrgNumber() != sender {
		others[s.cfg.Intermediary.OrgNumber()] = "seals"
	}
	if len(others) > 0 {
		dispatchers, err := s.far.Dispatchers(ctx)
		if err != nil {
			return rep, fmt.Errorf("mm: preflight: %w", err)
		}
		for org, role := range others {
			if !allowed(dispatchers, org, sender) {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s %s for %s but is not an intermediary allowed for it (getDispatchers)", org, role, sender))
			}
		}
	}
	if !rep.OK() {
		return rep, fmt.Errorf("mm: %w: %s", ErrPreflight, strings.Join(rep.Problems, "; "))
	}
	return rep, nil
}

func allowed(ds []far.Dispatcher, org, sender message.OrgNumber) bool {
	for _, d := range ds {
		if d.ID == org && d.MaySignFor(sender) {
			return true
		}
	}
	return false
}
