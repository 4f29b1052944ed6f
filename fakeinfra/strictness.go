package fakeinfra

import (
	"errors"
	"fmt"

	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/soap"
)

// Strictness says what a fake operator checks of a delivery's signatures
// beyond the SDK's own verifier.
type Strictness string

// The strictness levels.
const (
	// Strict, the default, makes an operator check the request bytes as
	// they arrive the way a real operator's published verifier does
	// (re-created from kivra/ews, xmerl_dsig.erl), before anything else:
	// it refuses with fault 5006, naming the rule, a Transform list other
	// than [enveloped-signature], a CanonicalizationMethod other than
	// exclusive C14N, more than one X509Certificate, a key that is not
	// RSA, Signature elements without a prefix, a carriage return written
	// &#xD; in signed text, a processing instruction in signed content,
	// and every digest or signature that does not verify the operator's
	// way. A test against a strict fake fails where the real operator
	// would refuse the delivery.
	Strict Strictness = "strict"
	// AfterSOAPDecoding checks only what the SDK's own verifier (package
	// sign) checks once the request is decoded: it accepts, as the SDK
	// does, requests the real operator refuses, such as two Transforms,
	// a certificate chain in KeyInfo or the unprefixed wire form. For
	// tests that need such requests to get through; trust checks (chain,
	// sender, seal) run as in Strict.
	AfterSOAPDecoding Strictness = "after-soap-decoding"
)

func (s Strictness) valid() bool { return s == Strict || s == AfterSOAPDecoding }

// WithOperatorStrictness sets the strictness of the named operators, or of
// every operator when no name is given (default Strict). In a Config it is
// operatorStrictness, and strictness on an operator.
func WithOperatorStrictness(s Strictness, operators ...string) Option {
	return func(st *settings) error {
		if !s.valid() {
			return fmt.Errorf("fakeinfra: strictness %q: want %q or %q", s, Strict, AfterSOAPDecoding)
		}
		if st.strictness == nil {
			st.strictness = map[string]Strictness{}
		}
		if len(operators) == 0 {
			st.strictness[""] = s
		}
		for _, name := range operators {
			st.strictness[name] = s
		}
		return nil
	}
}

// strictnessOf is the strictness of the operator named name.
func (st *settings) strictnessOf(name string) Strictness {
	if s, ok := st.strictness[name]; ok {
		return s
	}
	if s, ok := st.strictness[""]; ok {
		return s
	}
	return Strict
}

// checkAsOperator applies the real operator's checks to the request bytes
// as received, when the operator is strict. Malformed XML is invalid input
// (5001), as the SDK's own verifier reports it; every other refusal is a
// signature that does not verify (5006), described by its rule.
func (op *operator) checkAsOperator(body []byte) *faultAnswer {
	if op.strictness != Strict {
		return nil
	}
	err := opverify.Verify(body)
	if err == nil {
		return nil
	}
	var e *opverify.Error
	if errors.As(err, &e) && e.Rule == opverify.RuleMalformed {
		return invalidInput("%v", err)
	}
	return &faultAnswer{code: soap.CodeSignatureInvalid, desc: err.Error()}
}
