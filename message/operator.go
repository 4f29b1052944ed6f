package message

// Operator is a mailbox operator (brevlådeoperatör): the company that keeps
// the recipient's digital mailbox, as FaR describes it (ServiceSupplier).
// FaR names it, deliveries go to its ServiceAddress, and receipts and
// journals keep its Identity.
type Operator struct {
	// ID is the operator's organisation number.
	ID OrgNumber
	// Name is the operator's name, as FaR gives it.
	Name string
	// ServiceAddress is the operator's Service v3 endpoint, where
	// deliverSecure and notify go ("ServiceAdress" on the wire).
	ServiceAddress string
	// UIAddress is the base address of the operator's web interface, if it
	// supports direct navigation.
	UIAddress string
	// Logo is the address of the operator's logo, if any.
	Logo string
}

// Identity returns the operator's ID and Name alone: what receipts and
// journals keep. Addresses are not kept, because FaR is asked for them
// afresh before every delivery.
func (o Operator) Identity() Operator { return Operator{ID: o.ID, Name: o.Name} }
