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
//
// # Telemetry
//
// With Config.MeterProvider or TracerProvider set (nil records nothing;
// the global providers are never used), the SDK reports through the
// OpenTelemetry API under the instrumentation scope
// "github.com/avsandare/mm". Names follow the semantic conventions
// (v1.43.0) where they exist and the mm. namespace otherwise. Metrics:
//
//	mm.messages.settled        counter {message}: messages that reached a final state, one per
//	                           Send, one per message a mailing run settles (unknown included);
//	                           mm.channel, mm.state, mm.class, mm.operator (when one answered)
//	rpc.client.call.duration   histogram s: each call to FaR or an operator, retries included;
//	                           rpc.system.name (soap), rpc.method, server.address, mm.operator
//	                           (operators), error.type when it failed, rpc.response.status_code
//	                           and mm.fault.kind (technical, application) when a fault ended it
//	mm.retries                 counter {retry}: attempts after the first; the call's attributes
//	                           and what the previous attempt met: error.type, with
//	                           http.response.status_code or rpc.response.status_code and
//	                           mm.fault.kind
//	mm.faults                  counter {fault}: calls that ended with a fault; the call's
//	                           attributes, rpc.response.status_code, mm.fault.kind
//	mm.deliveries.active       up-down counter {delivery}: deliveries and notifications in
//	                           flight; rpc.system.name, rpc.method, server.address, mm.operator
//	mm.paper.handoffs          counter {letter}: messages handed to paper mail; mm.paper.reason,
//	                           mm.class
//	mm.journal.write.duration  histogram s: each mailing journal Record; error.type when it failed
//	mm.mailing.messages        gauge {message}: a mailing's progress; mm.mailing,
//	                           mm.mailing.progress (done: settled in this run or an earlier one;
//	                           remaining: when Options.Total is known)
//
// Spans: mm.send (one per Send, a child of ctx's span; mm.message.id and
// the settled attributes, status error when not sent) with children
// mm.validate, mm.lookup (kind client; rpc.*, server.address,
// mm.recipients), mm.deliver (client; mm.message.id, mm.class, rpc.*,
// server.address, mm.operator; children mm.sign and mm.seal, or mm.verify
// and mm.seal for forward.DeliverSecure) or mm.notify (client, the same
// attributes), and mm.paper (mm.message.id, mm.paper.reason). A call's
// span has an event "retry" per retry (error.type, the status or the
// fault's code and kind, mm.attempt, mm.retry.wait in seconds). Package
// mailing adds mm.mailing.batch per lookup batch (mm.mailing,
// mm.batch.messages), whose child is the batch's mm.lookup; its deliveries
// and letters are the steps' spans, children of the context given to
// mailing.Send. Outside Send, far.Client's isRegistered calls have a span
// mm.accounts (client; rpc.*, server.address, mm.recipients), and its
// Authority calls (Senders, Dispatchers, IsSenderAccepted, which Check
// makes) a span mm.authority each (client; rpc.*, server.address).
//
// Nothing recorded is personal: no identity number, subject, body or
// server text. Messages are named by their IDs, and IDs, mailing and
// operator names pass through safetext.Clean first.
package mm
