package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// Channel is the way a message went to its recipient.
type Channel string

// The channels. A message goes by exactly one; None means it was not sent.
const (
	// Digital is a signed and sealed delivery (deliverSecure, classes 2 and 3)
	// to the recipient's mailbox operator.
	Digital Channel = "digital"
	// Notification is a class-1 notify call to the mailbox operator.
	Notification Channel = "notification"
	// Paper is a letter handed to the sender's print provider.
	Paper Channel = "paper"
	// None means nothing was handed to any channel, for example because the
	// message was refused before sending.
	None Channel = "none"
)

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool {
	switch c {
	case Digital, Notification, Paper, None:
		return true
	}
	return false
}

// DigitalChannel returns the channel a message of class c takes to its
// mailbox operator, by the operation securityclass gives the class:
// Notification for notify (class 1), Digital for deliverSecure.
func DigitalChannel(c securityclass.Class) Channel {
	if c.Operation() == securityclass.OpNotify {
		return Notification
	}
	return Digital
}

// State is the outcome a receipt records.
type State string

// The outcomes.
const (
	// StateDelivered: the operator answered that the message is in the
	// recipient's mailbox.
	StateDelivered State = "delivered"
	// StateDeclined: the operator answered Delivered=false, so the
	// recipient has no mailbox there or turned this sender away; nothing
	// landed and the sender falls back to paper (see [Receipt.ToPaper]).
	StateDeclined State = "declined"
	// StatePaper: the message was handed to paper mail.
	StatePaper State = "paper"
	// StateFailed: the message did not land and will not, as it stands: it
	// was refused before sending, or the operator answered with an
	// application fault.
	StateFailed State = "failed"
	// StateUnknown: a request may have landed but no readable answer came,
	// for example a timeout after the request was sent. It must never be
	// reported as failed: resend with the same message ID, which the
	// operator deduplicates, or investigate.
	StateUnknown State = "unknown"
)

// Valid reports whether s is one of the states.
func (s State) Valid() bool {
	switch s {
	case StateDelivered, StateDeclined, StatePaper, StateFailed, StateUnknown:
		return true
	}
	return false
}

// Receipt is the proof an agency keeps of one message: which channel carried
// it, with what outcome, and the operator's own words for it. Receipts are
// values: copy them freely.
type Receipt struct {
	// MessageID is the message's ID (Message.ID), its idempotency key.
	MessageID string
	// Sender is the authority that owns the message.
	Sender message.OrgNumber
	// Recipient is the recipient's full number. JSON encoding masks it
	// unless asked otherwise (see [Receipt.WithFullIDs]).
	Recipient message.RecipientID
	// Class is the protection class the message travelled in.
	Class securityclass.Class
	// Channel is the way the message went.
	Channel Channel
	// State is the outcome.
	State State
	// Operator is the mailbox operator that answered, by its identity (ID
	// and Name, see message.Operator.Identity); zero when no operator was
	// asked.
	Operator message.Operator
	// TransID is the operator's transaction ID (TransId) from its answer.
	TransID string
	// Delivered is the operator's own flag (Delivered or DeliveredFlag), as
	// answered; false when no answer came.
	Delivered bool
	// NotifiedBy lists the channels the operator notified the recipient by
	// after a notification: NotifiedSMS, NotifiedEMail.
	NotifiedBy []string
	// PaperReason says why the message went by paper; empty for other
	// channels.
	PaperReason message.PaperReason
	// Problem says, for states failed and unknown, what went wrong, as
	// safetext.Clean leaves it: no whole personal identity number, no
	// control character.
	Problem string
	// SealedSHA256 is the lower-case hex SHA-256 of the exact HTTP request
	// body sent to the operator: the SOAP envelope carrying the sealed
	// delivery (or the notification). See [RequestSHA256] for why these
	// bytes; a [Proof] keeps them.
	SealedSHA256 string
	// At is when the outcome was known: the operator's answer came, the
	// attempt was given up, or the letter was handed to paper mail.
	At time.Time
	// Attempts is how many times the request was sent; 0 when it never was.
	Attempts int
}

// The channels an operator may report it notified the recipient by
// (NotificationTypes in Notification/v3).
const (
	NotifiedSMS   = "SMS"
	NotifiedEMail = "EMail"
)

// RequestSHA256 returns the lower-case hex SHA-256 of body, the exact bytes
// of the HTTP request body sent to the operator. Senders and verifiers call
// it, so that both hash the same bytes.
//
// The hash covers the whole SOAP envelope, not only the SealedDelivery
// inside it, because those are the bytes that went over the wire and that a
// [Proof] can keep unchanged: anyone can recompute it with sha256sum, and
// the sealed delivery (with both signatures) is found inside by parsing
// what was hashed, never a copy.
func RequestSHA256(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Validate checks that the receipt agrees with itself: known channel and
// state, a state the channel can have, the Delivered flag matching the
// state, and the fields each state needs.
func (r *Receipt) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInconsistent, fmt.Sprintf(format, a...))
	}
	switch {
	case !r.Channel.Valid():
		return bad("unknown channel %q", r.Channel)
	case !r.State.Valid():
		return bad("unknown state %q", r.State)
	case r.MessageID == "":
		return bad("message ID is empty")
	case r.Delivered != (r.State == StateDelivered):
		return bad("delivered flag %t in state %s", r.Delivered, r.State)
	case (r.Channel == Paper) != (r.State == StatePaper):
		return bad("state %s on channel %s", r.State, r.Channel)
	case r.Channel == None && r.State != StateFailed:
		return bad("state %s on channel %s", r.State, r.Channel)
	case r.State == StatePaper && r.PaperReason == "":
		return bad("paper receipt without a reason")
	case r.State != StatePaper && r.PaperReason != "":
		return bad("paper reason in state %s", r.State)
	case len(r.NotifiedBy) > 0 && (r.Channel != Notification || !r.Delivered):
		return bad("notified-by channels on an undelivered or non-notification receipt")
	case r.Class != 0 && !r.Class.Valid():
		return bad("class %d is not 1, 2 or 3", int(r.Class))
	case r.Attempts < 0:
		return bad("attempts %d is negative", r.Attempts)
	}
	return nil
}
