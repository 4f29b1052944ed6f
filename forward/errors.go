package forward

import (
	"errors"

	"github.com/avsandare/mm/receipt"
)

// ErrOperatorProfile: a delivery signed elsewhere verifies in the SDK but
// is outside what the operators' own verifier accepts (SPEC §4: one
// enveloped-signature Transform, the leaf certificate only, RSA, no
// carriage return in signed text, no namespace declarations beyond the
// prefix-free form); DeliverSecure refuses it before anything is sent. The
// error also wraps the rule the operator's verifier would break.
var ErrOperatorProfile = errors.New("the sender's signature is outside the profile operators accept")

// Error is a delivery that did not end with an answer to act on. Its
// Receipt says what is known: failed (nothing landed: the operator refused
// it with an application fault or a codeless soap:Client fault, or nothing
// could be sent) or unknown (it may have landed: no answer, an unreadable
// one, or a fault retried to the last attempt, such as one without a code). Use errors.As to get it, and errors.Is for
// ErrMaybeDelivered; errors.As also reaches the *fault.Fault of a refusal.
type Error struct {
	Receipt *receipt.Receipt
	// Response is the answer's body when one came but could not be read.
	Response []byte
	err      error
}

func (e *Error) Error() string { return "forward: " + e.err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.err }
