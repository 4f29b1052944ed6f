// Package opverify re-creates, in Go, the signature check a mailbox
// operator publishes and runs on every incoming delivery (kivra/ews,
// src/xmerl_dsig.erl and src/xmerl_c14n.erl, reading the request bytes as
// received with xmerl). It exists so that tests, and the fake operators of
// package fakeinfra, refuse what a real operator refuses, for the reason
// it refuses it — not only what the SDK's own, more general, verifier
// refuses.
//
// It is written from what that code does, independently of package sign:
// its own parser (which reads a &#xD; reference as a line feed, as xmerl
// does), its own prefix stripping and XML writer (xmerl's export, which is
// not canonical XML), its own digest and RSA check. Reusing the SDK's
// canonicaliser would prove nothing.
//
// Per signature, in document order, Verify checks what the operator's
// verifier checks, in its order, and returns an *Error naming the rule:
//   - it finds only prefixed ds:Signature elements (xmerl gives an element
//     in a default namespace no namespace-uri());
//   - exactly one SignatureMethod/@Algorithm, rsa-sha1 or rsa-sha256 (the
//     hash is taken from it); exactly one CanonicalizationMethod/@Algorithm,
//     exactly http://www.w3.org/2001/10/xml-exc-c14n#; the Transform list
//     exactly [enveloped-signature]; exactly one Reference/@URI;
//   - the signed element is the signature's parent, looked up again by its
//     ancestors' qualified names; its Signature children are dropped; a
//     prefixed deliverSecure becomes SealedDelivery in the Message/v3
//     prefix in scope on it; prefixes are stripped and the result written
//     as xmerl writes it, and its hash must equal the one DigestValue;
//   - SignedInfo, stripped and written the same way, must verify with the
//     one SignatureValue and the key of the one X509Certificate, decoded as
//     an RSA public key.
//
// Certificates are not checked against any trust anchor: chains, validity
// and who may sign are the caller's checks. One check is stricter than the
// operator: an unprefixed ds:Signature beside prefixed ones, which the
// operator would leave unchecked, is refused (RuleUnprefixedSignature).
//
//	if err := opverify.Verify(request); err != nil {
//		var e *opverify.Error
//		errors.As(err, &e) // e.Rule says which check refuses it
//	}
package opverify
