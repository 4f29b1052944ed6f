// Package forward is the intermediary's (förmedlare's) job, which most
// agencies do themselves: check the sender's signature, seal the delivery,
// hand it to the recipient's mailbox operator with Service v3
// deliverSecure — or, for class 1, notify — and keep the receipt and the
// exact bytes sent as proof.
//
// A Client holds the intermediary's signer and an HTTP client for mutual
// TLS. DeliverSecure takes a signed delivery made anywhere (another system,
// another language), verifies it, and seals it; Deliver signs and seals a
// delivery in one go for an agency that is its own intermediary, without
// verifying its own fresh signature again.
//
// An operator address comes from FaR, and FaR's answer must not be able to
// send mail anywhere: only https addresses are used, the operator's server
// certificate must verify against the configured roots (so the message
// goes only to a server the infrastructure's CA vouches for), and
// redirects are never followed: a redirect fails the delivery. The request
// does not ask "Expect: 100-continue", which would cost a round trip per
// delivery. Nor is an
// operator reached at a loopback, link-local (cloud metadata), private,
// shared or unspecified address — as written in the URL, or as connected
// to when its name is resolved, connection by connection — unless
// Config.AllowLocalNetworks allows the network (address.go). An allow-list
// of operator hosts or organisation numbers can narrow it further.
//
// Technical failures are retried with the same bytes and the same message
// ID, so an operator stores a message once however often it arrives.
// Application faults come back typed (*fault.Fault, with code and
// description) and are not retried; a fault without a readable code is
// retried unless it blames the request (soap:Client), as package soap
// decides, and the receipt's state follows that decision. When a request may have landed but no
// answer came, the receipt's state is unknown, never failed, and the error
// wraps ErrMaybeDelivered: sending again with the same ID is safe.
//
//	c, err := forward.New(forward.Config{Signer: sealer, HTTPClient: httpClient, Roots: roots})
//	proof, err := c.DeliverSecure(ctx, *decision.Operator, signed) // decision from far.Reachability.Decide
//	// proof.Receipt says delivered or declined; proof.Request is what was sent.
package forward
