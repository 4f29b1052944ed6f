package mm

import (
	"context"
	"errors"

	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
)

// Errors Send returns, for callers to branch on with errors.Is. Each comes
// with the receipt of what is known, when anything is.
var (
	// ErrNotSent: neither the digital path nor paper took the message
	// (no paper fallback configured or allowed for the class, the paper
	// hook failed, or the operator refused it). Nothing landed.
	ErrNotSent = errors.New("message not sent")
	// ErrLookup: FaR could not be asked; nothing was sent. Try again
	// later.
	ErrLookup = errors.New("address register lookup failed")
	// ErrMaybeDelivered: a delivery may or may not have arrived. Do not
	// send it by paper; send it again later with the same message ID,
	// which the operator deduplicates.
	ErrMaybeDelivered = forward.ErrMaybeDelivered
)

// Unreachable reports whether err, from Send, Check or a far or forward
// client, means that the infrastructure could not be reached or trusted,
// or left the outcome open — rather than that it answered and refused, or
// that the SDK refused by itself. It is true for a network or TLS failure
// (a server certificate not trusted, a client certificate refused), a
// technical fault or an HTTP error status that lasted through the
// retries, an answer that could not be read, an operator address the
// SDK's address policy refuses, and a delivery that may have landed
// (ErrMaybeDelivered): the same call may succeed later with the same
// input, once the network, the service or the configuration is mended.
// It is false for nil, a context cancelled, an application fault (the
// input must change: fault.Fault.Retryable), and the SDK's own refusals
// (an invalid message, no paper fallback).
//
// Command-line tools tell the two apart by exit status (mm exits 3 for
// the first, 1 for a refusal).
func Unreachable(err error) bool {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, ErrMaybeDelivered), errors.Is(err, forward.ErrOperatorAddress):
		return true
	}
	if f, ok := errors.AsType[*fault.Fault](err); ok {
		return f.Retryable()
	}
	_, call := errors.AsType[*soap.CallError](err)
	return call || errors.Is(err, soap.ErrMalformed)
}
