// Package fakeinfra is the whole Mina meddelanden infrastructure in memory —
// the address register FaR (Recipient v3 and Authority) and four mailbox
// operators (Service v3) — speaking the real protocol over real HTTPS with
// mutual TLS, for tests of the SDK and of agencies' own applications.
//
// One call starts it; it generates a test PKI (a CA, server certificates
// for loopback, an organisation certificate for the sender with the
// organisation number in the subject's serialNumber), registers the sender
// in the Authority register, and stops with the test:
//
//	infra := fakeinfra.Start(t)
//	infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra"))
//	infra.AddRecipient("198101052382", fakeinfra.NoMailbox())
//	// ... connect the real clients with infra.HTTPClient(), infra.FaR(),
//	// infra.SenderSigner(), infra.Roots() ...
//	got := infra.Mailbox("195303231855") // what the operator stored
//
// The operators behave like real ones: they require a client certificate
// from the CA, parse the SOAP request, check its bytes as received the way
// a real operator's published verifier does (re-created from kivra/ews:
// prefixed Signature elements only, one enveloped-signature Transform,
// exclusive C14N, one X509Certificate, RSA keys, no &#xD; in signed text —
// refused with fault 5006 naming the rule; WithOperatorStrictness relaxes
// an operator to the SDK's own verifier alone), verify the seal and the
// sender's signature with package sign (both quirks included), check that the sender
// is registered and that each signer may act for it, enforce the XSD rules,
// the content types and the 2 MB limit, store each message once (by message
// ID: a repeat gets the first answer and stores nothing), record a neutral
// notification to the recipient, and answer DeliveryResult or the fault a
// real operator gives (5001 invalid input, 5005 too large, 5006 signature
// invalid, 5007 the ID exists with other content, 5019 MIME type, 5002 the
// sender is not registered or the organisation that connects may not act
// for it, 6009 the sealer may not act for the sender, 6010 the sender-level
// signer is neither the sender nor allowed to sign for it). A message signed
// again is the same delivery as long as its content is the same. Every
// answer validates against the official XSD.
//
// FaR's Authority service answers getSenders, getDispatchers and
// isSenderAccepted as SPEC §2 has them (wrappers in
// http://minameddelanden.gov.se/Authority, unqualified return and arg0;
// faults with getSendersFault or getDispatchersFault as detail);
// isSenderAccepted is true for registered senders unless SetSenderAccepted
// says otherwise. The operators listen on loopback, which the SDK's
// address policy refuses unless allowed: SenderConfig allows them, and
// LocalNetworks lists them for a forward.Config made by hand.
//
// Faults are injected per endpoint — a SOAP fault by code, one without a
// code (CodelessFault), any answer at all (RawAnswer), an HTTP status,
// latency, a reset connection, a timeout, an operator down for a while —
// for N calls or a fraction of them, drawn from a seeded source so that runs
// repeat; a fault may strike after the operator stored the message, as a
// lost answer does. Close breaks off the calls a fault holds. Inspectors
// show what arrived: Mailbox, Deliveries, Notifications, Requests,
// Duplicates, Known; ClearDeliveries empties the mailboxes. The clock the
// operators read can be set. WithRetain (retain in a Config) bounds what
// they keep to the last n deliveries, so that a rehearsal of a million
// letters runs in the memory of n.
//
// WithRoundTrip (roundTrip in a Config) puts every server a network round
// trip away: bytes are held rtt/2 on the wire each way, so that a TLS
// handshake, a request and an interim answer each cost what they cost on a
// real network, and a benchmark against the fake measures latency-bound
// throughput honestly. A Latency fault, by contrast, holds one handler.
//
// Keys, the CA and every organisation certificate are made once per
// process and reused, so starting a fake after the first costs a few
// milliseconds (BenchmarkStart).
//
// "mm fake serve" runs the same fake as a process for tests written in
// other languages. It reads a Config as JSON (ParseConfig refuses unknown
// fields and names the JSON path of every mistake; NewFromConfig starts the
// fake), writes the CA certificate and each Identity's credentials as PEM
// and PKCS#12 files, and prints the endpoints. testdata/example-config.json
// shows every field:
//
//	mm fake serve --config fakeinfra/testdata/example-config.json --dir creds --json
package fakeinfra
