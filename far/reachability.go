package far

import (
	"time"

	"github.com/avsandare/mm/message"
)

// AccountType is the kind of account FaR holds for a recipient.
type AccountType string

// Account types (Recipient.xsd AccountTypes).
const (
	// Secure: an account whose owner proved their identity with an e-ID.
	Secure AccountType = "Secure"
	// Anonymous: a low-level account with user name and password.
	Anonymous AccountType = "Anonymous"
	// NoAccount: FaR has no account for the recipient ("Not").
	NoAccount AccountType = "Not"
)

// Account is FaR's record of a recipient: the answer of isRegistered, and
// part of the answer of isReachable.
type Account struct {
	Recipient message.RecipientID
	Type      AccountType
	// Pending is true while an account registration is not complete.
	Pending bool
	// Operator is the recipient's mailbox operator; nil without an account.
	// The answers of one lookup share one Operator per operator: treat it
	// as read-only.
	Operator *message.Operator
	// LastRegistration is when the account was last registered (zero if
	// FaR did not say).
	LastRegistration time.Time
}

// Reachability is FaR's answer about one recipient for one sender
// (ReachabilityStatus): the account, and whether the recipient accepts
// digital post from this sender.
type Reachability struct {
	Account
	SenderAccepted bool
	// LastSenderAcceptChange is when the recipient last changed their
	// acceptance of this sender (zero if FaR did not say).
	LastSenderAcceptChange time.Time
}
