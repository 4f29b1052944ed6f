package journal

import (
	"fmt"
	"slices"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/safetext"
)

// next checks that e may follow old (nil when the entry is new) at now, and
// returns the entry to store. Every Journal implementation calls it inside
// whatever makes its read and write atomic, so that all of them enforce the
// same machine.
func next(old *Entry, e Entry, now time.Time) (Entry, error) {
	if err := checkKey(e.Mailing, e.MessageID); err != nil {
		return Entry{}, err
	}
	from := Queued
	if old != nil {
		from = old.State
	}
	bad := func(format string, a ...any) error {
		return &TransitionError{MessageID: e.MessageID, From: from, To: e.State, Reason: fmt.Sprintf(format, a...)}
	}
	if !e.State.Valid() {
		return Entry{}, bad("unknown state %q", e.State)
	}
	if !CanTransition(from, e.State) {
		return Entry{}, &TransitionError{MessageID: e.MessageID, From: from, To: e.State}
	}
	if old == nil {
		if !e.Recipient.Valid() {
			return Entry{}, bad("recipient must be a full, valid identity number (got %s)", e.Recipient.Masked())
		}
	} else {
		if e.Lease.Worker != old.Lease.Worker && old.Lease.Live(now) {
			return Entry{}, fmt.Errorf("%w: message %s is leased to %q until %s", ErrLeaseLost, e.MessageID, old.Lease.Worker, old.Lease.Until.Format(time.RFC3339))
		}
		if e.Recipient == "" {
			e.Recipient = old.Recipient
		} else if e.Recipient != old.Recipient {
			return Entry{}, fmt.Errorf("%w: message %s has another recipient", ErrConflict, e.MessageID)
		}
		if e.Attempts < old.Attempts {
			return Entry{}, bad("attempts went down from %d to %d", old.Attempts, e.Attempts)
		}
		if reason := continuation(old, &e); reason != "" {
			return Entry{}, bad("%s", reason)
		}
	}
	if reason := fieldRule(&e); reason != "" {
		return Entry{}, bad("%s", reason)
	}
	if e.Receipt != nil && e.Receipt.MessageID != "" && e.Receipt.MessageID != e.MessageID {
		return Entry{}, bad("receipt is for message %s", e.Receipt.MessageID)
	}

	out := e
	// Text from outside (a fault's description in Error, an operator's
	// name from FaR) enters every journal here: cleaned of whole personal
	// numbers and of control characters.
	out.Error, out.PaperReason = safetext.Clean(e.Error), message.PaperReason(safetext.Clean(string(e.PaperReason)))
	out.Operator.Name = safetext.Clean(e.Operator.Name)
	out.Created, out.Updated = now, now
	out.Payload = clonePayload(e.Payload)
	if old != nil {
		out.Created = old.Created
		out.Payload = old.Payload
	}
	if out.State.Terminal() || out.Lease.Worker == "" {
		out.Lease = Lease{}
	}
	out.Lease.Until = out.Lease.Until.UTC().Round(0)
	out.Receipt = cloneReceipt(e.Receipt)
	if out.Receipt != nil {
		// Stored times carry no zone or monotonic reading, whatever the
		// store; so every journal gives back equal receipts.
		out.Receipt.At = out.Receipt.At.UTC().Round(0)
		out.Receipt.Problem = safetext.Clean(out.Receipt.Problem)
		out.Receipt.Operator.Name = safetext.Clean(out.Receipt.Operator.Name)
	}
	return out, nil
}

// continuation checks a record that follows a request (Sending, Unknown):
// it either ends or repeats that request on the same channel and to the
// same operator — a resend elsewhere would not be deduplicated — or, after
// the operator's definite decline, starts the paper letter.
func continuation(old, e *Entry) string {
	if old.State != Sending && old.State != Unknown {
		return ""
	}
	if e.State == Sending {
		if old.Channel == receipt.Paper || e.Channel != receipt.Paper {
			return "a new request after Sending or Unknown can only be the paper letter after a decline"
		}
		return ""
	}
	if e.Channel != old.Channel {
		return fmt.Sprintf("channel changed from %s to %s without a new Sending record", old.Channel, e.Channel)
	}
	if e.Operator.ID != old.Operator.ID {
		return "operator changed during a request: a resend goes to the operator first asked"
	}
	return ""
}

// fieldRule returns what e lacks for its state, or "".
func fieldRule(e *Entry) string {
	switch e.State {
	case LookedUp, Sending, Unknown:
		if r := channelRule(e); r != "" {
			return r
		}
	case Delivered:
		if e.Channel != receipt.Digital && e.Channel != receipt.Notification {
			return fmt.Sprintf("delivered needs channel digital or notification, not %q", e.Channel)
		}
		return channelRule(e)
	case DeclinedThenPaper, Paper:
		if e.Channel != receipt.Paper {
			return fmt.Sprintf("%s needs channel paper, not %q", e.State, e.Channel)
		}
		return channelRule(e)
	}
	if (e.State == Failed || e.State == Unknown) && e.Error == "" {
		return fmt.Sprintf("%s needs an error text", e.State)
	}
	return ""
}

// channelRule checks that e names a channel and what the channel needs.
func channelRule(e *Entry) string {
	switch e.Channel {
	case receipt.Digital, receipt.Notification:
		if e.Operator.ID == "" {
			return fmt.Sprintf("channel %s needs an operator", e.Channel)
		}
	case receipt.Paper:
		if e.PaperReason == "" {
			return "channel paper needs a paper reason"
		}
	default:
		return fmt.Sprintf("%s needs channel digital, notification or paper, not %q", e.State, e.Channel)
	}
	return ""
}

// cloneReceipt copies r so that a journal never shares memory with its
// callers.
func cloneReceipt(r *receipt.Receipt) *receipt.Receipt {
	if r == nil {
		return nil
	}
	c := *r
	c.NotifiedBy = nil
	if len(r.NotifiedBy) > 0 {
		c.NotifiedBy = slices.Clone(r.NotifiedBy)
	}
	return &c
}

// cloneEntry copies e deeply.
func cloneEntry(e *Entry) Entry {
	c := *e
	c.Payload = clonePayload(e.Payload)
	c.Receipt = cloneReceipt(e.Receipt)
	return c
}

// clonePayload copies p; empty is nil in every journal.
func clonePayload(p []byte) []byte {
	if len(p) == 0 {
		return nil
	}
	return slices.Clone(p)
}
