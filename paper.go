package mm

import (
	"context"
	"strconv"

	"github.com/avsandare/mm/message"
)

// PaperMail sends a message by paper when it cannot, or may not, go
// digitally. The Sender calls it with the reason; an implementation hands
// the message to the agency's print provider. It must be idempotent by
// message ID: a resumed mailing may call it again for a message already
// handed over, and the recipient must get one letter.
type PaperMail interface {
	SendPaper(ctx context.Context, m *message.Message, why PaperReason) error
}

// PaperFunc adapts a function to PaperMail.
type PaperFunc func(ctx context.Context, m *message.Message, why PaperReason) error

// SendPaper calls f.
func (f PaperFunc) SendPaper(ctx context.Context, m *message.Message, why PaperReason) error {
	return f(ctx, m, why)
}

// PaperReason says why a message goes by paper. Its values are stable
// machine words, fit for manifests, receipts (receipt.Receipt.PaperReason)
// and logs; String gives the sentence for people.
type PaperReason string

// The reasons a message goes by paper (SPEC §1, step 5, and §2's decision
// rule). The first four are the words package far's Decide gives, so that
// PaperReason(decision.Reason) converts one into the other.
const (
	// PaperNoMailbox: FaR knows no digital mailbox for the recipient
	// (account type Not, or no service supplier).
	PaperNoMailbox PaperReason = "no-mailbox"
	// PaperSenderNotAccepted: the recipient has a mailbox but has turned
	// this sender away (SenderAccepted false).
	PaperSenderNotAccepted PaperReason = "sender-not-accepted"
	// PaperAccountPending: the recipient's mailbox account is not yet
	// active (Pending true).
	PaperAccountPending PaperReason = "pending"
	// PaperNoOperatorAddress: the operator's ServiceAdress is missing or
	// not an https URL, so there is nowhere safe to deliver.
	PaperNoOperatorAddress PaperReason = "no-usable-address"
	// PaperOperatorDeclined: the operator answered Delivered=false.
	PaperOperatorDeclined PaperReason = "operator-declined"
	// PaperClassPolicy: the sender has configured paper for messages of
	// this protection class.
	PaperClassPolicy PaperReason = "class-policy"
)

// Valid reports whether r is one of the reasons above.
func (r PaperReason) Valid() bool {
	switch r {
	case PaperNoMailbox, PaperSenderNotAccepted, PaperAccountPending,
		PaperNoOperatorAddress, PaperOperatorDeclined, PaperClassPolicy:
		return true
	}
	return false
}

// String returns the reason as a sentence for people; an unknown value is
// shown quoted, so that it stands out in a log.
func (r PaperReason) String() string {
	switch r {
	case PaperNoMailbox:
		return "the recipient has no digital mailbox"
	case PaperSenderNotAccepted:
		return "the recipient does not accept digital mail from this sender"
	case PaperAccountPending:
		return "the recipient's mailbox account is not yet active"
	case PaperNoOperatorAddress:
		return "the mailbox operator has no usable address"
	case PaperOperatorDeclined:
		return "the mailbox operator declined the delivery"
	case PaperClassPolicy:
		return "the sender sends this protection class by paper"
	}
	return "unknown paper reason " + strconv.Quote(string(r))
}
