// Package mm is the Go SDK for senders on Mina meddelanden, the Swedish
// public sector's infrastructure for digital mail, and this package sends
// one message. A Sender sends it the right way in one call: it validates
// the message against every rule of the contracts, asks the address
// register FaR whether the recipient has a digital mailbox and accepts
// this sender, signs and seals the delivery and pushes it to the
// recipient's mailbox operator (classes 2 and 3) or notifies (class 1) —
// or hands it to paper mail — and returns a receipt that says which
// channel carried it and why.
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
// Send is its steps in order — the class's paper policy, Lookup, Deliver,
// Paper — and the Sender offers them one by one to callers that record
// each step, as package mailing does for large mailings. Check is a
// preflight against the Authority register.
//
// Around it: mailing sends many messages through a Sender, with a journal
// (mailing/journal; sqlitejournal, pgjournal) to resume a mailing killed at
// any point; paperdir is a PaperMail that spools letters into folders for a
// print provider; fault is the error type of a server's refusal. The
// pieces below are usable on their own: message (the model, identities,
// validation and the wire form), securityclass, sign (XML signatures as
// the infrastructure makes them), far (the address register), forward (the
// intermediary's sealing and delivery), receipt (receipts and proof
// bundles), and fakeinfra (the whole infrastructure in memory, for tests).
// The mm command (cmd/mm) offers them to other languages.
package mm
