// Package mm is the Go SDK for senders on Mina meddelanden, the Swedish
// public sector's infrastructure for digital mail. A Sender sends a message
// the right way in one call: it validates the message against every rule of
// the contracts, asks the address register FaR whether the recipient has a
// digital mailbox and accepts this sender, signs and seals the delivery and
// pushes it to the recipient's mailbox operator (classes 2 and 3) or
// notifies (class 1) — or hands it to a paper hook — and returns a receipt
// that says which channel carried it and why.
//
//	sender, err := mm.New(mm.Config{
//		Sender: message.Sender{ID: "162021004748", Name: "Kommun A"},
//		Signer: signer,        // sign.LoadPKCS12(p12, password)
//		FaR:    far.Production(),
//		Roots:  roots,         // the infrastructure's CA
//		Paper:  paper,         // paperdir.New(dir, paperdir.Config{}), or your own PaperMail
//	})
//	r, err := sender.Send(ctx, msg)
//
// The pieces are usable on their own: message (the model, identities,
// validation and the canonical wire form), securityclass, sign (XML
// signatures as the infrastructure makes them), far (the address
// register), forward (the intermediary's sealing and delivery), receipt
// (receipts and proof bundles) and fakeinfra (the whole infrastructure in
// memory, for tests). The mm command (cmd/mm) offers them to other
// languages.
package mm
