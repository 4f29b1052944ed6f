package opverify

import "strings"

// Documents returns, for each signature the operator's verifier checks
// and in its order, the document it reconstructs for that signature: the
// signed element with prefixes stripped and written as xmerl writes it,
// deliverSecure renamed to SealedDelivery, and — unlike what is digested —
// its signatures kept. For a request the SDK wrote these are the
// SealedDelivery and the SignedDelivery the two signatures were computed
// over, which a verifier that knows nothing of the quirks (xmlsec1) can
// check as they are.
func Documents(request []byte) ([][]byte, error) {
	root, err := parse(request)
	if err != nil {
		return nil, err
	}
	sigs, err := signatures(root)
	if err != nil {
		return nil, err
	}
	docs := make([][]byte, 0, len(sigs))
	for i, sig := range sigs {
		parent, top, err := signedElement(root, sig, i+1)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if export(&b, parent, "", top, nil).pi {
			return nil, refuse(RuleProcessingInstruction, i+1, "a processing instruction in the signed element")
		}
		docs = append(docs, []byte(b.String()))
	}
	return docs, nil
}
