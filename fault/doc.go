// Package fault is the error FaR and the mailbox operators answer with: a
// SOAP fault carrying the contracts' error code (§5.2), a description and
// a call ID to quote to the infrastructure's support.
//
// Errors from packages mm, mailing, far and forward carry a *Fault
// whenever a server answered with one; get it with errors.As:
//
//	var f *fault.Fault
//	if errors.As(err, &f) && f.Code == fault.CodeUnsupportedMIMEType { ... }
//
// Technical faults (codes 0–4999) are retried by the SDK before they reach
// the caller; application faults (5000–9999) mean the input must change
// and are never retried (Fault.Retryable).
//
// # Faults without an error code
//
// Every error the contracts declare comes with an ExceptionInformation
// whose ErrorCode classifies it (§5.2): 0–4999 technical, retried;
// 5000–9999 application, never retried, and the operator has then said
// that it refused the message. A fault without a code the SDK can read — no
// detail, an empty one, a foreign one, or an ExceptionInformation that
// cannot be read (UnreadableDetail) — comes from outside the contract: an
// unchecked exception in the server's stack, a gateway in front of it, a
// database gone. Nothing in it says whether the server acted on the call
// before failing. The SDK therefore reads such a fault by its SOAP 1.1
// faultcode (SOAP 1.1 §4.4.1), which every stack sets:
//
//   - soap:Client, soap:VersionMismatch, soap:MustUnderstand (and their
//     dotted subcodes) say that the request as sent is at fault and was not
//     processed, and "should not be resent without change": not retried,
//     and a delivery is failed — nothing landed, as with an application
//     fault.
//   - soap:Server, and any faultcode the SDK cannot place, give no such
//     assurance: retried with backoff as a technical failure, and a
//     delivery still without an answer after the last attempt is unknown
//     (it may have landed; forward.ErrMaybeDelivered), never failed, so
//     that it is neither sent by paper nor given up. Retrying is safe: a
//     delivery carries its message ID, which the operator deduplicates,
//     and a lookup changes nothing.
//
// The HTTP status does not enter into it: SOAP 1.1 sends every fault with
// 500, and a stack that does otherwise says no more by it. Reading an
// unknown faultcode as "failed" would be the one choice that can lose or
// duplicate a letter: a message reported failed is sent again under a new
// ID, or on paper, though it may already be in the recipient's mailbox.
package fault
