package receipt

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/securityclass"
)

// Attempt is what the sender knows of a request it made: the facts an
// operator's answer does not carry. The constructors below turn an attempt
// and its outcome into a Receipt.
type Attempt struct {
	// MessageID is the message's ID.
	MessageID string
	// Sender is the authority that owns the message.
	Sender message.OrgNumber
	// Recipient is the recipient the request was for; the answer must be
	// about this recipient.
	Recipient message.RecipientID
	// Class is the message's protection class.
	Class securityclass.Class
	// Operator is the mailbox operator asked, by its identity (see
	// message.Operator.Identity); zero when none was.
	Operator message.Operator
	// Request is the exact HTTP request body sent (the SOAP envelope); its
	// hash becomes Receipt.SealedSHA256. Nil when nothing was sent.
	Request []byte
	// Attempts is how many times the request was sent.
	Attempts int
	// At is when the outcome was known; the zero value means now.
	At time.Time
}

func (a *Attempt) receipt(ch Channel, st State) *Receipt {
	r := &Receipt{
		MessageID: a.MessageID,
		Sender:    a.Sender,
		Recipient: a.Recipient,
		Class:     a.Class,
		Channel:   ch,
		State:     st,
		Operator:  a.Operator,
		Attempts:  a.Attempts,
		At:        a.At,
	}
	if a.Request != nil {
		r.SealedSHA256 = RequestSHA256(a.Request)
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	return r
}

// FromDeliveryResult builds the receipt of a deliverSecure call from the
// operator's DeliveryResult. The result must speak of the attempt's
// recipient and of no other (one recipient per delivery): otherwise the
// error wraps ErrWrongRecipient. Delivered=false gives state declined.
func FromDeliveryResult(a Attempt, res *DeliveryResult) (*Receipt, error) {
	if res == nil {
		return nil, errors.New("delivery result is nil")
	}
	return a.fromAnswer(Digital, res)
}

// FromNotifyResult builds the receipt of a notify call (class 1) from the
// operator's NotifyResult, under the same recipient rule as
// [FromDeliveryResult].
func FromNotifyResult(a Attempt, res *NotifyResult) (*Receipt, error) {
	if res == nil {
		return nil, errors.New("notify result is nil")
	}
	return a.fromAnswer(Notification, res)
}

func (a *Attempt) fromAnswer(ch Channel, res answer) (*Receipt, error) {
	o, err := res.outcomeFor(a.Recipient)
	if err != nil {
		return nil, err
	}
	r := a.receipt(ch, StateDeclined)
	r.TransID = o.transID
	if o.delivered {
		r.State, r.Delivered = StateDelivered, true
		r.NotifiedBy = slices.Clone(o.notifiedBy)
	}
	return r, nil
}

// NewPaper builds the receipt of a message handed to paper mail without a
// digital attempt (no mailbox, sender not accepted, class policy…).
func NewPaper(a Attempt, reason message.PaperReason) *Receipt {
	r := a.receipt(Paper, StatePaper)
	r.PaperReason = reason
	return r
}

// NewFailed builds the receipt of a message that did not land and will not
// as it stands, on channel ch (None when nothing was sent). cause is kept as
// text in Problem, cleaned by safetext.Clean (personal identity numbers
// masked, control characters replaced).
func NewFailed(a Attempt, ch Channel, cause error) *Receipt {
	r := a.receipt(ch, StateFailed)
	r.Problem = problem(cause)
	return r
}

// NewUnknown builds the receipt of a request that may have landed, such as
// one that timed out after it was sent, or whose answer could not be read.
func NewUnknown(a Attempt, ch Channel, cause error) *Receipt {
	r := a.receipt(ch, StateUnknown)
	r.Problem = problem(cause)
	return r
}

// problem is the text of cause, cleaned by safetext.Clean: errors quote
// what servers and documents said.
func problem(err error) string {
	if err == nil {
		return ""
	}
	return safetext.Clean(err.Error())
}

// ToPaper returns a copy of r for the letter sent after the operator
// declined: channel paper, the reason given, and the declined attempt's
// operator, transaction ID and request hash kept as evidence of why. It
// refuses receipts in any state but declined, so that a delivered or
// possibly delivered message is never sent twice.
func (r *Receipt) ToPaper(reason message.PaperReason, at time.Time) (*Receipt, error) {
	if r.State != StateDeclined {
		return nil, fmt.Errorf("%w: only a declined receipt falls back to paper, this one is %s", ErrInconsistent, r.State)
	}
	p := *r
	p.NotifiedBy = nil
	p.Channel, p.State, p.PaperReason, p.At = Paper, StatePaper, reason, at
	if p.At.IsZero() {
		p.At = time.Now()
	}
	return &p, nil
}
