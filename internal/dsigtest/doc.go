// Package dsigtest signs prefix-free canonical documents the way Mina
// meddelanden's senders do — an enveloped signature as the root's last
// child, one Reference URI="" — and lets a test change any part of the
// profile: the Transform list, the CanonicalizationMethod, the signature
// algorithm and key type (RSA or ECDSA), the certificates in KeyInfo. Tests
// of verifiers use it to make the documents a real sender could make but
// package sign refuses to: it is written apart from package sign, so that
// each checks the other.
//
// It also builds the rest of a deliverSecure request: the SealedDelivery a
// seal covers, and the prefixed SOAP envelope around its children.
//
//	p := dsigtest.Profile{Key: key, Certs: []*x509.Certificate{cert}}
//	signed, err := p.Sign(unsignedSignedDelivery)
//	sealed, err := p.Sign(dsigtest.SealedDelivery(signed, "2026-06-01"))
//	request, err := dsigtest.Request(wireform.Readable(), sealed)
package dsigtest
