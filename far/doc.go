// Package far asks the address register FaR (Förmedlingsadressregistret)
// where mail to a recipient can go (SPEC §2). IsReachable tells, for one
// sender and any number of recipients, whether each has a digital mailbox,
// at which operator, and whether they accept this sender; Decide turns an
// answer into the decision a careful sender makes — digitally to an
// operator's https address, or on paper for a stated Reason. IsRegistered
// asks about accounts alone, and Senders, Dispatchers and IsSenderAccepted
// read the Authority register, to check before a large mailing that the
// sender is connected and accepted and that an intermediary may act for
// it.
//
// Lists of any length are split into calls of at most 1000 recipients (the
// contracts' limit) run a few at a time, repeats are asked once, and the
// answers come back in the order asked. Technical failures (network, 502,
// 503, 504, fault codes 0–4999) are retried with backoff; application
// faults (5000–9999) never are. Every answer is checked against the shape
// the contracts give it and must answer exactly the recipients asked;
// anything else fails with ErrMalformedAnswer.
//
//	hc, err := mm.NewHTTPClient(signer.TLSCertificate(), roots) // mutual TLS with the organisation certificate
//	client, err := far.New(far.Config{Endpoints: far.Production(), HTTPClient: hc})
//	answers, err := client.IsReachable(ctx, "162021004748", ids...)
//	for _, a := range answers {
//		if d := a.Decide(); d.Digital {
//			// deliver to d.Operator.ServiceAddress
//		} else {
//			// paper, because d.Reason
//		}
//	}
//
// The Authority service speaks as SPEC §2 and
// contracts/authority/Authority-wrappers.xsd describe it: wrappers in
// http://minameddelanden.gov.se/Authority with unqualified return and arg0
// children (authority.go shows the shapes). IsSenderAccepted asks whether
// the infrastructure accepts a sender at all.
//
// A lookup changes nothing at FaR, so no failure leaves anything in
// doubt: whatever went wrong, nothing was sent. Faults are retried as
// package soap decides (technical codes, and faults without a readable
// code unless the server blames the request; see fault.Fault.Retryable),
// and come back as a *fault.Fault (errors.As) once retries are spent.
//
// Answers can be cached (Config.CacheTTL), per sender and recipient. It is
// off by default, and should stay short when on: a recipient may open a
// mailbox or turn a sender away at any moment, and until a cached answer
// expires, mail to them goes the old way — to paper though a mailbox now
// exists, or to an operator the recipient has just refused. It pays only
// where the same recipients are asked about again within minutes.
//
// A Client is safe for concurrent use. It reads no environment and logs
// through the Config's Logger only, with identities masked.
package far
