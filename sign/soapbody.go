package sign

import (
	"bytes"
	"fmt"

	"github.com/avsandare/mm/message"
)

// AppendDeliverSecure appends the SOAP body element of Service/v3
// deliverSecure for a sealed delivery (as Seal returns it): the children of
// SealedDelivery placed in deliverSecure/deliverSecure, as the WSDL wants
// them on the wire. The seal's signature stays valid: a verifier renames the
// wire element back to SealedDelivery (SPEC §4, quirk 2).
func AppendDeliverSecure(dst, sealed []byte) ([]byte, error) {
	if !bytes.HasPrefix(sealed, sealedOpen) || !bytes.HasSuffix(sealed, sealedClose) {
		return nil, fmt.Errorf("%w: AppendDeliverSecure takes a SealedDelivery as Seal returns it", ErrMalformed)
	}
	inner := sealed[len(sealedOpen) : len(sealed)-len(sealedClose)]
	dst = append(dst, `<deliverSecure xmlns="`+message.NSServiceV3+`"><deliverSecure>`...)
	// The children inherited Message/v3 from SealedDelivery; under
	// deliverSecure they declare it themselves. The signature element
	// already declares its own namespace.
	const signedTag, sealTag = "<SignedDelivery>", "<Seal>"
	if !bytes.HasPrefix(inner, []byte(signedTag)) {
		return nil, fmt.Errorf("%w: sealed delivery does not start with SignedDelivery", ErrMalformed)
	}
	seal := bytes.LastIndex(inner, []byte(sealTag))
	if seal < 0 {
		return nil, fmt.Errorf("%w: sealed delivery has no Seal", ErrMalformed)
	}
	dst = append(dst, `<SignedDelivery xmlns="`+nsV3+`">`...)
	dst = append(dst, inner[len(signedTag):seal]...)
	dst = append(dst, `<Seal xmlns="`+nsV3+`">`...)
	dst = append(dst, inner[seal+len(sealTag):]...)
	dst = append(dst, `</deliverSecure></deliverSecure>`...)
	return dst, nil
}
