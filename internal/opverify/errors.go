package opverify

import (
	"errors"
	"fmt"
)

// ErrRefused is wrapped by every *Error: the operator's verifier would not
// accept the request.
var ErrRefused = errors.New("the operator's verifier refuses the request")

// Rule names the check of the operator's verifier that refuses a request.
type Rule string

// The rules, in the order the operator's verifier applies them to each
// signature. What the Erlang code does on each is in the description.
const (
	// RuleMalformed: the request is not namespace-well-formed XML as xmerl
	// reads it (xmerl_scan fails), or it holds a DTD.
	RuleMalformed Rule = "malformed"
	// RuleNoSignature: no prefixed ds:Signature; xmerl gives an element in
	// a default namespace no namespace-uri(), so the verifier's XPath finds
	// none ({error, no_signature}).
	RuleNoSignature Rule = "no-signature"
	// RuleUnprefixedSignature: besides prefixed signatures, an unprefixed
	// Signature in the ds namespace, which the operator's verifier never
	// checks. Stricter than the operator: such a signature is dead weight
	// the recipient trusts without anyone having checked it.
	RuleUnprefixedSignature Rule = "unprefixed-signature"
	// RuleSignatureMethod: not exactly one SignatureMethod/@Algorithm, or
	// not rsa-sha1 or rsa-sha256 (badmatch or function_clause).
	RuleSignatureMethod Rule = "signature-method"
	// RuleKeyNotRSA: a signature method or a certificate key other than
	// RSA; the verifier decodes every key as an RSA public key.
	RuleKeyNotRSA Rule = "key-not-rsa"
	// RuleCanonicalization: not exactly one CanonicalizationMethod whose
	// Algorithm is exactly http://www.w3.org/2001/10/xml-exc-c14n#
	// (badmatch).
	RuleCanonicalization Rule = "canonicalization-method"
	// RuleTransforms: the Transform list is not exactly
	// [enveloped-signature] (signature_over_everything_not_implemented for
	// URI="", function_clause otherwise).
	RuleTransforms Rule = "transforms"
	// RuleReference: not exactly one Reference/@URI (badmatch).
	RuleReference Rule = "reference"
	// RuleSignedElement: the signature's parent, looked up again by the
	// path of its ancestors' qualified names, is not exactly one element
	// (badmatch).
	RuleSignedElement Rule = "signed-element"
	// RuleMessageV3Prefix: a prefixed deliverSecure is signed but no prefix
	// for Message/v3 is in scope on it, so it cannot be renamed to
	// SealedDelivery (badmatch).
	RuleMessageV3Prefix Rule = "message-v3-prefix"
	// RuleProcessingInstruction: a processing instruction inside the
	// signed element or SignedInfo, which the operator's prefix stripping
	// has no case for (function_clause).
	RuleProcessingInstruction Rule = "processing-instruction"
	// RuleDigestValue: not exactly one DigestValue text, or not base64
	// (badmatch).
	RuleDigestValue Rule = "digest-value"
	// RuleCarriageReturn: the digest differs because signed text holds a
	// carriage return written &#xD;, which xmerl reads as a line feed
	// ({error, bad_digest}).
	RuleCarriageReturn Rule = "carriage-return"
	// RuleDigest: the digest of the signed element, prefixes stripped and
	// written as xmerl writes it, differs from DigestValue
	// ({error, bad_digest}).
	RuleDigest Rule = "digest"
	// RuleSignedInfo: not exactly one SignedInfo (badmatch).
	RuleSignedInfo Rule = "signed-info"
	// RuleSignatureValue: not exactly one SignatureValue text, or not
	// base64 (badmatch).
	RuleSignatureValue Rule = "signature-value"
	// RuleCertificate: not exactly one X509Certificate text, or one that
	// does not decode (badmatch, or a crash in public_key).
	RuleCertificate Rule = "certificate"
	// RuleSignature: the SignatureValue does not verify over SignedInfo
	// with the certificate's key ({error, bad_signature}).
	RuleSignature Rule = "signature"
)

// Error is a refusal: the rule, which signature (1-based, in document
// order; 0 when none is concerned), and what was found.
type Error struct {
	Rule      Rule
	Signature int
	Detail    string
}

func (e *Error) Error() string {
	if e.Signature == 0 {
		return fmt.Sprintf("%v: rule %s: %s", ErrRefused, e.Rule, e.Detail)
	}
	return fmt.Sprintf("%v: signature %d: rule %s: %s", ErrRefused, e.Signature, e.Rule, e.Detail)
}

// Unwrap lets errors.Is(err, ErrRefused) match.
func (e *Error) Unwrap() error { return ErrRefused }

func malformed(format string, a ...any) error {
	return &Error{Rule: RuleMalformed, Detail: fmt.Sprintf(format, a...)}
}

func refuse(rule Rule, sig int, format string, a ...any) error {
	return &Error{Rule: rule, Signature: sig, Detail: fmt.Sprintf(format, a...)}
}
