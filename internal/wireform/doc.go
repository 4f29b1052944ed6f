// Package wireform writes the SOAP requests the SDK sends in the form the
// reference senders' SOAP stacks write them (SPEC §4, "the wire form is
// prefixed"): every element carries a prefix, every namespace used is
// declared once on soap:Envelope, and no default namespace is declared.
// The operators' published verifier reads the request bytes as they arrive
// and finds only prefixed Signature elements, and it renames the wire
// deliverSecure back to SealedDelivery only when that element is prefixed
// with a Message/v3 prefix in scope.
//
// The signed documents stay prefix-free (quirk 1): the writer takes their
// canonical bytes, as package message and package sign write them, and
// rewrites only the tags, in one streaming pass — a stack of namespaces,
// text copied in bulk between tags. Because the signed bytes come from the
// SDK's own canonical writer, a tag never hides in text or in an attribute
// value ('<' is always escaped there), so no general XML parser is needed.
//
//	w := wireform.Readable().NewWriter(len(sealed))
//	w.Open(message.NSServiceV3, "deliverSecure")
//	w.Open(message.NSServiceV3, "deliverSecure")
//	err := w.Canonical(children, message.NSMessageV3)
//	w.Close()
//	w.Close()
//	request, err := w.Envelope()
package wireform
