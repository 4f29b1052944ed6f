package far

import (
	"net/url"
	"strings"
)

// Reason says why a recipient cannot receive a message digitally.
type Reason string

// Reasons for paper, in the order Decide checks them.
const (
	// ReasonNoMailbox: FaR has no account for the recipient.
	ReasonNoMailbox Reason = "no-mailbox"
	// ReasonPending: the recipient's account registration is not complete.
	ReasonPending Reason = "pending"
	// ReasonSenderNotAccepted: the recipient turned this sender away.
	ReasonSenderNotAccepted Reason = "sender-not-accepted"
	// ReasonNoUsableAddress: no operator, or an operator address that is not
	// an absolute https URL.
	ReasonNoUsableAddress Reason = "no-usable-address"
)

// String returns a short explanation for people.
func (r Reason) String() string {
	switch r {
	case ReasonNoMailbox:
		return "the recipient has no digital mailbox"
	case ReasonPending:
		return "the recipient's mailbox registration is pending"
	case ReasonSenderNotAccepted:
		return "the recipient does not accept digital post from this sender"
	case ReasonNoUsableAddress:
		return "FaR gave no usable https address for the recipient's operator"
	}
	return string(r)
}

// Decision is what to do with a message to one recipient: deliver it
// digitally to Operator, or send it on paper for Reason.
type Decision struct {
	// Digital is true when the message can go to Operator.
	Digital  bool
	Operator *Operator
	// Reason is set when Digital is false.
	Reason Reason
}

// Decide applies the rule a careful sender uses (SPEC §2): deliver
// digitally only when the recipient has an account (type not "Not"), the
// registration is not pending, the recipient accepts this sender, and FaR
// names an operator whose ServiceAdress is an absolute https URL. An http://
// or empty address is never used: mail must not travel unencrypted or to
// nowhere.
func (r Reachability) Decide() Decision {
	switch {
	case r.Type == NoAccount || r.Type == "":
		return Decision{Reason: ReasonNoMailbox}
	case r.Pending:
		return Decision{Reason: ReasonPending}
	case !r.SenderAccepted:
		return Decision{Reason: ReasonSenderNotAccepted}
	case r.Operator == nil || !UsableAddress(r.Operator.ServiceAddress):
		return Decision{Reason: ReasonNoUsableAddress}
	}
	return Decision{Digital: true, Operator: r.Operator}
}

// UsableAddress reports whether s is an absolute https URL with a host and
// no user information, the only kind of operator address the SDK sends to.
func UsableAddress(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}
