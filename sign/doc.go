// Package sign makes and checks the XML signatures of Mina meddelanden
// exactly as the infrastructure does (SPEC §4): the sender's enveloped
// signature over SignedDelivery, and the intermediary's (förmedlare's) seal
// over SealedDelivery. This comment is the profile as the code implements
// it: what is written, what is accepted, and why.
//
// # What is written
//
// Every signature is the one the reference senders write (the Java and
// .NET senders, and the mailbox operator's own test request), because the
// operators' published verifier accepts nothing else:
//   - one Reference with URI="" and exactly one Transform,
//     enveloped-signature — the operator's verifier handles no other list
//     for URI="";
//   - CanonicalizationMethod exclusive C14N, the exact string the
//     operator's verifier matches; SignatureMethod rsa-sha256 and
//     DigestMethod sha256;
//   - KeyInfo with X509SubjectName and the signer's own certificate only,
//     no chain — the operator's verifier reads exactly one X509Certificate;
//   - the signature as the last child of its root, where the XSD sequence
//     puts it.
//
// Signers must hold RSA keys of 2048 bits or more (NewSigner refuses
// others): the operators decode every signer's key as RSA, so a delivery
// signed otherwise could be checked by none of them. The signer's
// organisation number is read from the certificate subject's serialNumber.
//
// Two quirks every real implementation reproduces, and a generic XML
// signature library gets wrong. Quirk 1: documents are signed in their
// prefix-free form — each element carries its own namespace as a default
// xmlns where it changes — and a verifier strips the prefixes SOAP stacks
// add. Quirk 2: each level is signed as a standalone document; the seal is
// computed as if SealedDelivery were the root, though on the wire its
// children sit in Service/v3 deliverSecure/deliverSecure (a verifier
// renames that element back), and the sender's signature is checked on a
// detached copy of SignedDelivery.
//
// Signing writes the canonical form directly (package message's wire form,
// through internal/canon) and digests the bytes as written, in one pass: on
// the prefix-free form, inclusive and exclusive C14N give the same bytes,
// so what is digested is what [enveloped-signature] states.
//
// # What is accepted
//
// Verify takes a delivery in any form it travels in: a standalone
// SignedDelivery or SealedDelivery, the deliverSecure element, or a whole
// SOAP envelope, prefixed or not. It accepts what other implementations
// send, and nothing that would let the content it reports differ from what
// was signed:
//   - Transform lists: [enveloped-signature], canonicalised by Canonical
//     XML 1.0 (inclusive, without comments) as XML-DSig §4.3.3.2 requires
//     for that list, and [enveloped-signature, exc-c14n], canonicalised by
//     exclusive C14N, as older senders and SAML-style tools write. Every
//     other list is refused. The verifier applies the rule the document
//     states, never one it assumes: the two differ on a document that
//     declares namespaces it does not use, as .NET serialisers declare
//     xmlns:xsi and xmlns:xsd on every root.
//   - Prefix stripping, precisely: every element keeps its namespace and
//     local name and loses its prefix. A namespace declaration that binds
//     a prefix some element name in its scope is written with goes with
//     the prefixes (those are what SOAP stacks add); every other
//     declaration written inside the signed root stays where it was
//     written and is rendered as the stated canonicalisation requires
//     (inclusive C14N writes it where it is not in scope already with the
//     same value, exclusive C14N drops it as unused); default declarations
//     are replaced by each element's own namespace; nothing is inherited
//     from outside the signed root, which was signed as a standalone
//     document. This makes a document that xmlsec1 signed prefix-free
//     verify in every layout the tests try — prefix-free, prefixed as the
//     operator's test request (all of p1…p7 declared on the envelope,
//     outside the signed roots) and with unused xmlns:xsi and xmlns:xsd on
//     the root — while an attacker's added declaration still changes the
//     digest wherever it counts.
//   - Only xmlns and xmlns:p declare namespaces. An attribute named xmlns
//     under a prefix (xml:xmlns, p:xmlns) is an ordinary attribute, and
//     namespaced attributes other than xml:* are refused in signed
//     content.
//   - The signer is the certificate of KeyInfo whose key verifies the
//     SignatureValue: KeyInfo may carry one certificate or a chain in any
//     order (at most eight, each tried once), and only the signature says
//     which is the signer's. The others may serve as intermediates when the
//     signer's chain is built to the trusted roots; a KeyInfo without a
//     certificate is refused.
//   - Algorithms: rsa-sha256 with sha256; rsa-sha1 and sha1 only with
//     VerifyOptions.AllowSHA1. ecdsa-sha256 is refused (ErrAlgorithm), as
//     operators check RSA signatures only.
//   - Structure: one signature per level as the root's last child;
//     exactly one Reference, URI=""; a SOAP envelope holds an optional
//     Header and exactly one Body, whose one child is the delivery (two
//     bodies are refused, not one of them picked); no DTDs, comments or
//     processing instructions inside signed content.
//   - Content is read only from the canonical bytes that were digested,
//     never from the input tree, and every string reaching the canonical
//     form is escaped as C14N requires, namespace names included, so that
//     the bytes digested, parsed and sealed say exactly what the tree says.
//     Verified.SignedDelivery, what a forwarder seals, is that canonical
//     form: declarations a SOAP stack added are gone, and those the sender
//     signed under inclusive C14N are kept where they were.
//   - Bounds: 16 MiB, 64 levels, 500 000 elements and 256 attributes per
//     element by default (Limits). Everything Verify does is linear in the
//     input, so any document within the bounds is decided in about a
//     second of CPU at most and a bounded multiple of its size in memory.
//
// # Wire form
//
// On the wire, DeliverSecureRequest writes the request as reference
// senders' SOAP stacks do: every element with a prefix, each namespace it
// uses declared once, on soap:Envelope, no default namespace; the signed
// documents themselves stay prefix-free (AppendDeliverSecure writes the
// prefix-free deliverSecure element, which Verify and tools read but no
// operator finds a signature in). The prefixes are the readable names SPEC
// §3 reads the namespaces by — soap, svc3, msg3, msg2, msg, snd, ofm3,
// nf3, nf2, ds — not the operator's test request's p1…p7. The choice is
// free: the operators' verifier finds the Message/v3 prefix by its
// namespace, and every verifier strips prefixes before digesting, so any
// prefix gives the same digests. Readable names make a dry-run request or
// a proof bundle readable by a person, and each always means the same
// namespace, whereas p1…p7 are numbered by which namespaces a request
// happens to use and shift when one more appears (an official matter).
// Tests build the operator's exact p1…p7 layout and check that it
// verifies too.
//
// # Use
//
//	s, err := sign.LoadPKCS12(p12, password)
//	signed, err := s.SignDelivery(message.NewDelivery(sender, msg))
//	sealed, err := s.Seal(signed, time.Now())        // an agency that is its own intermediary
//	request, err := sign.DeliverSecureRequest(sealed) // the prefixed SOAP request, as it goes on the wire
//
//	v, err := sign.Verify(request, sign.VerifyOptions{Roots: roots})
//	// v.Levels: seal and sender, with their signers; v.Delivery: the verified content
//
// Keys come from a crypto.Signer (an HSM or a KMS), PEM, or PKCS#12 of both
// generations.
package sign
