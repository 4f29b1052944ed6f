package receipt

import (
	"errors"
	"slices"

	"github.com/avsandare/mm/sign"
)

// ErrNotVerifiable is returned for a proof of a class-1 notification: its
// request carries no signature, so anyone could have made the same bytes
// without any key, and the proof can show nothing beyond its own
// consistency.
var ErrNotVerifiable = errors.New("not verifiable: class 1 carries no signatures")

// Verify checks the proof as Check does, then verifies the signatures of
// the request with package sign (opts say what to trust) and compares what
// they vouch for with the receipt: the receipt's message must be one of
// the signed delivery's messages, and its recipient and sender must be the
// delivery's. Check reads the same request with another parser; comparing
// the verified content too means no trick of the bytes can make the two
// readings differ unnoticed. The operator is not in the signed content
// nor in the answer; Check requires a receipt that reports an operator's
// answer to name the operator.
//
// For a notify request (class 1) Verify returns ErrNotVerifiable once Check
// passes. Other failures are *ProofError values (wrapping
// ErrProofMismatch), or package sign's errors.
func (p *Proof) Verify(opts sign.VerifyOptions) (*sign.Verified, error) {
	facts, err := p.check()
	if err != nil {
		return nil, err
	}
	if facts.kind == "notify" {
		return nil, ErrNotVerifiable
	}
	v, err := sign.Verify(p.Request, opts)
	if err != nil {
		return nil, err
	}
	if err := compareDelivery(&p.Receipt, v); err != nil {
		return nil, err
	}
	return v, nil
}

// compareDelivery compares a verified delivery with the receipt.
func compareDelivery(r *Receipt, v *sign.Verified) error {
	d := v.Delivery
	if d == nil || len(d.Messages) == 0 {
		return proofErr("request", nil, "the signed delivery holds no message")
	}
	ids := make([]string, len(d.Messages))
	for i, m := range d.Messages {
		ids[i] = m.ID
	}
	switch {
	case !slices.Contains(ids, r.MessageID):
		return proofErr("request", nil, "the signed delivery does not carry message %q", short(r.MessageID))
	case d.Messages[0].Recipient != r.Recipient:
		return proofErr("request", nil, "the signed delivery is for recipient %s, the receipt for %s", d.Messages[0].Recipient.Masked(), r.Recipient.Masked())
	case d.Sender.ID != r.Sender:
		return proofErr("request", nil, "the signed delivery is from sender %q, the receipt from %q", short(string(d.Sender.ID)), short(string(r.Sender)))
	}
	return nil
}
