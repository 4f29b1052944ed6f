// Package mm is the Go SDK for senders on Mina meddelanden, the Swedish
// public sector's infrastructure for digital mail. An agency, or an
// intermediary (förmedlare) sending for one, models a message and its
// protection class, asks the address register FaR whether the recipient has
// a digital mailbox, signs and seals the delivery, pushes it to the
// recipient's mailbox operator and keeps the receipt as proof — or falls back
// to paper.
//
// The SDK is built in layers, each usable on its own: package message (the
// model, identities, validation and the canonical wire form), securityclass
// (protection classes 1–3), and — as they land — sign, far, forward, receipt,
// fakeinfra and the Sender in this package that composes them.
//
// The shortest real use today builds and checks a message and writes the
// document the infrastructure signs:
//
//	m := &message.Message{Recipient: to, Subject: "Beslut", Body: body, Support: support}
//	m.SetDefaults()
//	doc, err := message.NewDelivery(sender, m).MarshalSignedDelivery()
package mm
