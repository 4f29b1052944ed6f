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
package fault
