package conformance

import (
	"bytes"
	"fmt"
)

// placeholderSignature is a structurally valid ds:Signature, for validating
// documents whose schema requires a signature before one is made.
const placeholderSignature = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>` +
	`<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></CanonicalizationMethod>` +
	`<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></SignatureMethod>` +
	`<Reference URI=""><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod>` +
	`<DigestValue>AAAA</DigestValue></Reference></SignedInfo><SignatureValue>AAAA</SignatureValue></Signature>`

// WrapUnsignedDelivery turns an unsigned SignedDelivery document (as
// message.MarshalSignedDelivery writes it) into a Service/v3 deliverSecure
// element with placeholder signatures and seal, so that ServiceXSD can
// validate it.
func WrapUnsignedDelivery(signedDelivery []byte) []byte {
	const end = "</SignedDelivery>"
	i := bytes.LastIndex(signedDelivery, []byte(end))
	if i < 0 {
		return signedDelivery
	}
	var b bytes.Buffer
	b.WriteString(`<deliverSecure xmlns="http://minameddelanden.gov.se/schema/Service/v3"><deliverSecure>`)
	b.Write(signedDelivery[:i])
	b.WriteString(placeholderSignature)
	b.WriteString(end)
	fmt.Fprintf(&b, `<Seal xmlns="http://minameddelanden.gov.se/schema/Message/v3"><ReceivedTime xmlns="http://minameddelanden.gov.se/schema/Message">2026-01-01</ReceivedTime><SignaturesOK xmlns="http://minameddelanden.gov.se/schema/Message">true</SignaturesOK></Seal>`)
	b.WriteString(placeholderSignature)
	b.WriteString(`</deliverSecure></deliverSecure>`)
	return b.Bytes()
}
