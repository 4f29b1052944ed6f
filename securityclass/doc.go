// Package securityclass models the protection classes (skyddsklasser) of
// Mina meddelanden and what each one requires of a sender and a reader.
//
// Only classes 1, 2 and 3 exist. The sender chooses the class; most messages
// are class 3. Class 1 travels with the operator's notify operation and may
// carry e-mail and SMS notices; classes 2 and 3 are signed by the sender,
// sealed by the intermediary (förmedlare) and delivered with deliverSecure.
//
// Everything known about the classes lives in one table, [Rules], so that it
// is easy to read and to correct; the other packages read it rather than
// decide for themselves which operation carries a class
// ([Class.Operation]). Some rows are inferred from the structure of the
// contracts rather than stated in their text; [Requirements.Inferred] names
// those facts.
//
//	c, err := securityclass.Parse("3")
//	if err != nil { ... }
//	if c.Operation() == securityclass.OpNotify { ... notify ... } else { ... sign, seal, deliverSecure ... }
package securityclass
