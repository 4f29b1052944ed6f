package mm

import (
	"errors"

	"github.com/avsandare/mm/forward"
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
