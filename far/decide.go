package far

import (
	"net/url"
	"strings"

	"github.com/avsandare/mm/message"
)

// Decision is what to do with a message to one recipient: deliver it
// digitally to Operator, or send it on paper for Reason.
type Decision struct {
	// Digital is true when the message can go to Operator.
	Digital  bool
	Operator *message.Operator
	// Reason is set when Digital is false.
	Reason message.PaperReason
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
		return Decision{Reason: message.PaperNoMailbox}
	case r.Pending:
		return Decision{Reason: message.PaperAccountPending}
	case !r.SenderAccepted:
		return Decision{Reason: message.PaperSenderNotAccepted}
	case r.Operator == nil || !UsableAddress(r.Operator.ServiceAddress):
		return Decision{Reason: message.PaperNoUsableAddress}
	}
	return Decision{Digital: true, Operator: r.Operator}
}

// UsableAddress reports whether s is an absolute https URL with a host and
// no user information, the only kind of operator address the SDK sends to.
func UsableAddress(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}
