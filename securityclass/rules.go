package securityclass

import "slices"

// Operation names the Service v3 operation that carries a class.
type Operation string

// The operations of Service v3 that senders use.
const (
	OpNotify        Operation = "notify"
	OpDeliverSecure Operation = "deliverSecure"
)

// Requirements is one row of the table [Rules] returns: what a class
// requires of the sender and of the reader.
type Requirements struct {
	Class Class
	// Operation carries messages of this class to the operator.
	Operation Operation
	// Signed is true when the sender signs the delivery and the intermediary
	// seals it.
	Signed bool
	// AssuranceLevel is the e-ID assurance level (tillitsnivå) the recipient
	// needs to read the message, per Bilaga 2 of the contracts. Since 2024
	// every mailbox login needs level 3 or higher anyway; see LoginAssurance.
	AssuranceLevel int
	// NeutralNotifications is true when notices over e-mail and SMS must not
	// reveal the subject or content.
	NeutralNotifications bool
	// AttachmentsAllowed is false where the schema gives the class no
	// attachments.
	AttachmentsAllowed bool
	// SenderNotices is true when the sender may supply its own e-mail and
	// SMS notice texts (NotificationDelivery's EmailMessage and SmsMessage).
	SenderNotices bool
	// Inferred names the fields of this row that come from the structure of
	// the contracts, not from their text. Correct them here when Bilaga 2
	// says otherwise.
	Inferred []string
}

// LoginAssurance is the assurance level every mailbox login has needed since
// 2024, whatever the class of the message.
const LoginAssurance = 3

// Rules returns the one table of what each protection class means (SPEC
// §5), a row per class in order. The table is a copy: changing it changes
// nothing else.
func Rules() []Requirements {
	out := make([]Requirements, len(rules))
	for i, r := range rules {
		r.Inferred = slices.Clone(r.Inferred)
		out[i] = r
	}
	return out
}

// rules is the table itself; nothing outside this file writes it.
var rules = [...]Requirements{
	{
		Class:                Class1,
		Operation:            OpNotify,
		Signed:               false,
		AssuranceLevel:       2,
		NeutralNotifications: false,
		AttachmentsAllowed:   false,
		SenderNotices:        true,
	},
	{
		Class:                Class2,
		Operation:            OpDeliverSecure,
		Signed:               true,
		AssuranceLevel:       3,
		NeutralNotifications: true,
		AttachmentsAllowed:   true,
		Inferred:             []string{"AssuranceLevel", "NeutralNotifications"},
	},
	{
		Class:                Class3,
		Operation:            OpDeliverSecure,
		Signed:               true,
		AssuranceLevel:       3,
		NeutralNotifications: true,
		AttachmentsAllowed:   true,
	},
}
