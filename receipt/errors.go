package receipt

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on; the typed errors below wrap them.
var (
	// ErrMalformed is wrapped by every *ParseError: an operator's answer that
	// does not follow the schema. An answer that cannot be read says nothing
	// about whether the message landed: build an Unknown receipt then, never a
	// Failed one.
	ErrMalformed = errors.New("malformed answer")

	// ErrWrongRecipient means the answer speaks of another recipient than the
	// one the request was for.
	ErrWrongRecipient = errors.New("answer is about another recipient")

	// ErrInconsistent is wrapped when a receipt contradicts itself, such as a
	// paper receipt in state delivered.
	ErrInconsistent = errors.New("inconsistent receipt")

	// ErrProofMismatch is wrapped by every *ProofError: a proof bundle whose
	// parts do not agree with its receipt.
	ErrProofMismatch = errors.New("proof does not hold")

	// ErrUnwritable is wrapped when a result cannot be written as the
	// schema requires.
	ErrUnwritable = errors.New("result cannot be written")

	// ErrProofFormat means a proof file is not in a format this package reads.
	ErrProofFormat = errors.New("unsupported proof format")
)

// ParseError tells where an answer broke the schema. It never holds a
// personal identity number.
type ParseError struct {
	// Path is the element at fault, as /local/local/… names.
	Path string
	// Reason says what was expected or found.
	Reason string
}

func (e *ParseError) Error() string {
	return ErrMalformed.Error() + ": at " + e.Path + ": " + e.Reason
}

// Unwrap lets errors.Is(err, ErrMalformed) match.
func (e *ParseError) Unwrap() error { return ErrMalformed }

// ProofError names the part of a proof bundle that does not agree with its
// receipt.
type ProofError struct {
	// Part is what was checked: "receipt", "request", "response".
	Part string
	// Reason says what disagrees; identity numbers in it are masked.
	Reason string
	// Err is the underlying failure, such as a *ParseError, or nil.
	Err error
}

func (e *ProofError) Error() string {
	s := ErrProofMismatch.Error() + ": " + e.Part + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap lets errors.Is(err, ErrProofMismatch) match, and reaches Err.
func (e *ProofError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrProofMismatch, e.Err}
	}
	return []error{ErrProofMismatch}
}

func proofErr(part string, err error, format string, a ...any) error {
	return &ProofError{Part: part, Reason: fmt.Sprintf(format, a...), Err: err}
}
