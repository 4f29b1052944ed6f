package receipt

import (
	"fmt"
	"slices"

	"github.com/avsandare/mm/message"
)

// DeliveryResult is an operator's answer to deliverSecure (svc:DeliveryResult).
type DeliveryResult struct {
	// TransID is the operator's transaction ID.
	TransID string
	// Statuses holds one entry per recipient; a sender's delivery has one
	// recipient, so one entry.
	Statuses []DeliveryStatus
}

// DeliveryStatus is the outcome for one recipient.
type DeliveryStatus struct {
	// RecipientID is the recipient the status is about.
	RecipientID message.RecipientID
	// Delivered is false when the recipient has no mailbox at this operator
	// or turned this sender away.
	Delivered bool
}

// NotifyResult is an operator's answer to notify (NotifyResult in
// Notification/v3).
type NotifyResult struct {
	// TransID is the operator's transaction ID.
	TransID string
	// Statuses holds one entry per recipient, as in a DeliveryResult.
	Statuses []NotifyStatus
}

// NotifyStatus is the outcome of a notification for one recipient.
type NotifyStatus struct {
	// RecipientID is the recipient the status is about.
	RecipientID message.RecipientID
	// Delivered is DeliveredFlag.
	Delivered bool
	// NotifiedBy lists NotifiedSMS and/or NotifiedEMail (at most two); the
	// schema allows them only when Delivered is true.
	NotifiedBy []string
}

// StatusFor returns the status of recipient. Every status must be about
// recipient, and at least one must be: an answer that mentions another
// recipient is not an answer to a one-recipient delivery. Repeated statuses
// must agree.
func (r *DeliveryResult) StatusFor(recipient message.RecipientID) (DeliveryStatus, error) {
	return statusFor(recipient, r.Statuses)
}

// StatusFor is [DeliveryResult.StatusFor] for a notification.
func (r *NotifyResult) StatusFor(recipient message.RecipientID) (NotifyStatus, error) {
	return statusFor(recipient, r.Statuses)
}

// status is what DeliveryStatus and NotifyStatus have in common.
type status[S any] interface {
	recipient() message.RecipientID
	agrees(S) bool
}

func (s DeliveryStatus) recipient() message.RecipientID { return s.RecipientID }
func (s DeliveryStatus) agrees(o DeliveryStatus) bool   { return s == o }
func (s NotifyStatus) recipient() message.RecipientID   { return s.RecipientID }
func (s NotifyStatus) agrees(o NotifyStatus) bool {
	return s.RecipientID == o.RecipientID && s.Delivered == o.Delivered && slices.Equal(s.NotifiedBy, o.NotifiedBy)
}

func statusFor[S status[S]](want message.RecipientID, all []S) (S, error) {
	var zero S
	if want == "" {
		return zero, fmt.Errorf("%w: no recipient to check the answer against", ErrWrongRecipient)
	}
	if len(all) == 0 {
		return zero, fmt.Errorf("%w: answer has no status", ErrMalformed)
	}
	for _, s := range all {
		if id := s.recipient(); id != want {
			return zero, fmt.Errorf("%w: asked about %s, answer is about %s", ErrWrongRecipient, want.Masked(), id.Masked())
		}
		if !s.agrees(all[0]) {
			return zero, fmt.Errorf("%w: statuses for %s disagree", ErrMalformed, want.Masked())
		}
	}
	return all[0], nil
}

func recipientsOf[S status[S]](all []S) []message.RecipientID {
	ids := make([]message.RecipientID, len(all))
	for i, s := range all {
		ids[i] = s.recipient()
	}
	return ids
}

// outcome is what a receipt takes from an answer about its recipient.
type outcome struct {
	transID    string
	delivered  bool
	notifiedBy []string
}

// answer is an operator's result, whichever call it answers.
type answer interface {
	outcomeFor(message.RecipientID) (outcome, error)
}

func (r *DeliveryResult) outcomeFor(id message.RecipientID) (outcome, error) {
	s, err := r.StatusFor(id)
	return outcome{transID: r.TransID, delivered: s.Delivered}, err
}

func (r *NotifyResult) outcomeFor(id message.RecipientID) (outcome, error) {
	s, err := r.StatusFor(id)
	return outcome{transID: r.TransID, delivered: s.Delivered, notifiedBy: s.NotifiedBy}, err
}
