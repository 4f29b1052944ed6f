package mm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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
	// Checks lists every check made, in order, with its outcome: what a
	// tool shows line by line (mm check). Problems and Warnings hold the
	// same findings as text.
	Checks []CheckResult
}

// CheckResult is one check of a preflight and its outcome.
type CheckResult struct {
	// Name says what was checked: "signing certificate of 162021004748".
	Name string
	// Status is CheckOK, CheckWarning or CheckProblem.
	Status CheckStatus
	// Detail says what was found; empty for a check that passed plainly.
	Detail string
}

// CheckStatus is the outcome of one check.
type CheckStatus string

// The outcomes of a check.
const (
	CheckOK      CheckStatus = "ok"
	CheckWarning CheckStatus = "warning"
	CheckProblem CheckStatus = "problem"
)

// add records a check; a warning or a problem also goes to Warnings or
// Problems.
func (r *CheckReport) add(name string, st CheckStatus, detail string) {
	r.Checks = append(r.Checks, CheckResult{Name: name, Status: st, Detail: detail})
	switch st {
	case CheckWarning:
		r.Warnings = append(r.Warnings, detail)
	case CheckProblem:
		r.Problems = append(r.Problems, detail)
	}
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
		name := fmt.Sprintf("%s certificate of %s", c.role, c.sg.OrgNumber())
		switch {
		case now.After(cert.NotAfter):
			rep.add(name, CheckProblem, fmt.Sprintf("the %s certificate of %s expired on %s", c.role, c.sg.OrgNumber(), cert.NotAfter.Format(time.DateOnly)))
		case now.Before(cert.NotBefore):
			rep.add(name, CheckProblem, fmt.Sprintf("the %s certificate of %s is not valid until %s", c.role, c.sg.OrgNumber(), cert.NotBefore.Format(time.DateOnly)))
		case c.sg.ExpiresWithin(now, ExpiryWarning):
			rep.add(name, CheckWarning, fmt.Sprintf("the %s certificate of %s expires on %s, within 30 days: order a new one", c.role, c.sg.OrgNumber(), cert.NotAfter.Format(time.DateOnly)))
		default:
			rep.add(name, CheckOK, "valid until "+cert.NotAfter.Format(time.DateOnly))
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
	regName := fmt.Sprintf("sender %s registered in the Authority register", sender)
	if registered {
		rep.add(regName, CheckOK, "")
	} else {
		rep.add(regName, CheckProblem, fmt.Sprintf("the sender %s is not registered in the Authority register (getSenders): operators will refuse its deliveries", sender))
	}
	// Asked even for a sender getSenders does not list, so that an answer
	// the service gives is never skipped; a refusal is its own problem
	// only when getSenders did list the sender, or the report would say
	// one thing twice.
	accepted, err := s.far.IsSenderAccepted(ctx, sender)
	if err != nil {
		return rep, fmt.Errorf("mm: preflight: %w", err)
	}
	accName := fmt.Sprintf("sender %s accepted (isSenderAccepted)", sender)
	switch {
	case registered && !accepted:
		rep.add(accName, CheckProblem, fmt.Sprintf("the sender %s is registered but not accepted by the Authority register (isSenderAccepted is false): operators will refuse its deliveries", sender))
	case accepted:
		rep.add(accName, CheckOK, "")
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
		for _, org := range slices.Sorted(maps.Keys(others)) {
			role := others[org]
			name := fmt.Sprintf("%s allowed to act for %s (getDispatchers)", org, sender)
			if allowed(dispatchers, org, sender) {
				rep.add(name, CheckOK, "it "+role+" as an intermediary")
			} else {
				rep.add(name, CheckProblem, fmt.Sprintf("%s %s for %s but is not an intermediary allowed for it (getDispatchers)", org, role, sender))
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
