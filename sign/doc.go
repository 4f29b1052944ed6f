// Package sign makes and checks the XML signatures of Mina meddelanden
// exactly as the infrastructure does (SPEC §4): the sender's enveloped
// signature over SignedDelivery, and the intermediary's (förmedlare's) seal
// over SealedDelivery — exclusive C14N, RSA-SHA256 and SHA-256, one
// Reference URI="", KeyInfo with X509SubjectName and X509Certificate, the
// signature as the root's last child.
//
// It reproduces the two quirks a generic XML-signature library gets wrong:
// documents are signed in their prefix-free form (a verifier strips the
// prefixes SOAP stacks add), and the seal is computed as if SealedDelivery
// were the root, though on the wire its children sit in
// Service/v3 deliverSecure/deliverSecure (a verifier renames that element
// back). Verify accepts a standalone SignedDelivery or SealedDelivery, the
// deliverSecure element, or a whole SOAP envelope, prefixed or not.
//
// Signing writes the canonical form directly (package message's wire form)
// and digests the bytes as written, so nothing is parsed or canonicalised
// again. Verification is strict: one signature per level as the last child,
// an allow-list of algorithms (SHA-1 only behind VerifyOptions.AllowSHA1),
// transforms limited to enveloped-signature and exclusive C14N, certificate
// chains built with crypto/x509, no DTDs, bounded size and depth, no
// comments or processing instructions inside signed content, and content
// read only from the bytes that were digested.
//
// # The wire form's prefixes
//
// On the wire, DeliverSecureRequest writes every element with a prefix and
// declares each namespace it uses once, on soap:Envelope, as reference
// senders' SOAP stacks do; the signed documents themselves stay
// prefix-free. The prefixes are the readable names SPEC §3 reads the
// namespaces by — soap, svc3, msg3, msg2, msg, snd, ofm3, nf3, nf2, ds —
// not the operator's test request's p1…p7. The choice is free: the
// operators' verifier finds the Message/v3 prefix by its namespace, and
// every verifier strips prefixes before digesting, so any prefix gives the
// same digests. Readable names make a dry-run request or a proof bundle
// readable by a person, and each name always means the same namespace,
// whereas p1…p7 are numbered by which namespaces a request happens to use
// and shift when one more appears (an official matter). A test builds the
// operator's exact p1…p7 layout and checks that it verifies too.
//
// Keys come from a crypto.Signer (an HSM or a KMS), PEM, or PKCS#12 of both
// generations. The signer's organisation number is read from the
// certificate subject's serialNumber.
//
//	s, err := sign.LoadPKCS12(p12, password)
//	signed, err := s.SignDelivery(message.NewDelivery(sender, msg))
//	sealed, err := s.Seal(signed, time.Now())        // an agency that is its own intermediary
//	body, err := sign.AppendDeliverSecure(nil, sealed) // the SOAP body element
//
//	v, err := sign.Verify(request, sign.VerifyOptions{Roots: roots})
//	// v.Levels: seal and sender, with their signers; v.Delivery: the verified content
package sign
