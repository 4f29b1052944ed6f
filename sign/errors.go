package sign

import (
	"errors"

	"github.com/avsandare/mm/safetext"
)

// Sentinel errors callers branch on. Every error Verify returns wraps one of
// them (errors.Is), and most also wrap a *VerifyError naming the level and
// the reason.
var (
	// ErrSignatureInvalid: a digest or a signature value does not match, or
	// a signature breaks the profile (position, references, transforms).
	ErrSignatureInvalid = errors.New("signature invalid")
	// ErrUntrustedCertificate: the signer's certificate does not chain to a
	// trusted root, or is expired or not yet valid at the verification time.
	ErrUntrustedCertificate = errors.New("untrusted certificate")
	// ErrAlgorithm: an algorithm outside the profile's allow-list, or SHA-1
	// without VerifyOptions.AllowSHA1.
	ErrAlgorithm = errors.New("algorithm not allowed")
	// ErrMalformed: the document cannot be read, is not one of the forms
	// Verify knows, or exceeds the size and depth limits.
	ErrMalformed = errors.New("malformed document")
	// ErrSignerMismatch: the signer's organisation number is not the one
	// expected (the delivery's sender, or the configured organisation).
	ErrSignerMismatch = errors.New("signer organisation number mismatch")
	// ErrKey: a key or certificate cannot be used for signing.
	ErrKey = errors.New("unusable key or certificate")
)

// VerifyError tells which level of a delivery failed and why.
type VerifyError struct {
	Level  LevelName
	Reason string
	err    error
}

func (e *VerifyError) Error() string {
	if e.Level == "" {
		return "verify: " + e.Reason
	}
	return "verify " + string(e.Level) + " signature: " + e.Reason
}

// Unwrap returns the sentinel the failure belongs to.
func (e *VerifyError) Unwrap() error { return e.err }

func verifyErr(level LevelName, sentinel error, reason string) error {
	return &VerifyError{Level: level, Reason: safetext.Clean(reason), err: sentinel}
}
