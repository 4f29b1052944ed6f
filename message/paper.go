package message

import (
	"slices"
	"strconv"
)

// PaperReason says why a message goes by paper. Its values are stable
// machine words, fit for paper manifests, receipts, journals and logs;
// String gives the sentence for people.
type PaperReason string

// The reasons a message goes by paper (SPEC §1, step 5, and §2's decision
// rule). The first four come from FaR's answer (far.Reachability.Decide),
// the last two from the operator and from the sender's configuration.
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
	// PaperNoUsableAddress: the operator's ServiceAdress is missing or
	// not an https URL, so there is nowhere safe to deliver.
	PaperNoUsableAddress PaperReason = "no-usable-address"
	// PaperOperatorDeclined: the operator answered Delivered=false.
	PaperOperatorDeclined PaperReason = "operator-declined"
	// PaperClassPolicy: the sender has configured paper for messages of
	// this protection class.
	PaperClassPolicy PaperReason = "class-policy"
)

// Valid reports whether r is one of the reasons above.
func (r PaperReason) Valid() bool { return slices.Contains(PaperReasons(), r) }

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
	case PaperNoUsableAddress:
		return "the mailbox operator has no usable address"
	case PaperOperatorDeclined:
		return "the mailbox operator declined the delivery"
	case PaperClassPolicy:
		return "the sender sends this protection class by paper"
	}
	return "unknown paper reason " + strconv.Quote(string(r))
}

// PaperReasons returns every reason, in the order above.
func PaperReasons() []PaperReason {
	return []PaperReason{PaperNoMailbox, PaperSenderNotAccepted, PaperAccountPending,
		PaperNoUsableAddress, PaperOperatorDeclined, PaperClassPolicy}
}
