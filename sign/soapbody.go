package sign

import (
	"bytes"
	"fmt"

	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
)

// DeliverSecureRequest returns the HTTP request body that carries a sealed
// delivery (as Seal returns it) to an operator: a SOAP 1.1 envelope whose
// Body holds Service/v3 deliverSecure/deliverSecure with the children of
// SealedDelivery, in the wire form reference senders send (SPEC §4): every
// element prefixed, every namespace declared once on soap:Envelope. The
// signatures stay valid: a verifier strips the prefixes (quirk 1) and
// renames the wire element back to SealedDelivery (quirk 2). The sealed
// bytes are read once; only tags are rewritten.
func DeliverSecureRequest(sealed []byte) ([]byte, error) {
	inner, err := sealedChildren(sealed)
	if err != nil {
		return nil, err
	}
	w := wireform.Readable().NewWriter(len(inner) + 64)
	w.Open(message.NSServiceV3, "deliverSecure")
	w.Open(message.NSServiceV3, "deliverSecure")
	if err := w.Canonical(inner, nsV3); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	w.Close()
	w.Close()
	return w.Envelope()
}

// AppendDeliverSecure appends the SOAP body element of Service/v3
// deliverSecure for a sealed delivery (as Seal returns it) in the
// prefix-free form: the children of SealedDelivery placed in
// deliverSecure/deliverSecure, each declaring its default namespace. Verify
// and independent tools read it; it is not what goes on the wire, which
// DeliverSecureRequest writes (the operators' verifier finds no
// unprefixed signature).
func AppendDeliverSecure(dst, sealed []byte) ([]byte, error) {
	inner, err := sealedChildren(sealed)
	if err != nil {
		return nil, err
	}
	dst = append(dst, `<deliverSecure xmlns="`+message.NSServiceV3+`"><deliverSecure>`...)
	// The children inherited Message/v3 from SealedDelivery; under
	// deliverSecure they declare it themselves. The signature element
	// already declares its own namespace.
	const signedTag, sealTag = "<SignedDelivery>", "<Seal>"
	seal := bytes.LastIndex(inner, []byte(sealTag))
	dst = append(dst, `<SignedDelivery xmlns="`+nsV3+`">`...)
	dst = append(dst, inner[len(signedTag):seal]...)
	dst = append(dst, `<Seal xmlns="`+nsV3+`">`...)
	dst = append(dst, inner[seal+len(sealTag):]...)
	dst = append(dst, `</deliverSecure></deliverSecure>`...)
	return dst, nil
}

// sealedChildren returns the canonical children of a SealedDelivery as Seal
// returns it: SignedDelivery, Seal and the intermediary's Signature.
func sealedChildren(sealed []byte) ([]byte, error) {
	if !bytes.HasPrefix(sealed, sealedOpen) || !bytes.HasSuffix(sealed, sealedClose) {
		return nil, fmt.Errorf("%w: takes a SealedDelivery as Seal returns it", ErrMalformed)
	}
	inner := sealed[len(sealedOpen) : len(sealed)-len(sealedClose)]
	if !bytes.HasPrefix(inner, []byte("<SignedDelivery>")) {
		return nil, fmt.Errorf("%w: sealed delivery does not start with SignedDelivery", ErrMalformed)
	}
	if bytes.LastIndex(inner, []byte("<Seal>")) < 0 {
		return nil, fmt.Errorf("%w: sealed delivery has no Seal", ErrMalformed)
	}
	return inner, nil
}
