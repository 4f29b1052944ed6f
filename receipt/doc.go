// Package receipt records how a message went and keeps the proof of it. A
// Receipt always says which channel carried the message — digital
// (deliverSecure), notification (notify, class 1), paper (and why) or none —
// and the outcome: delivered, declined by the operator, handed to paper,
// failed, or unknown. Unknown is for a request that may have landed, such
// as one that timed out after it was sent; it is never reported as failed,
// so that a message is neither lost nor, by paper, sent twice.
//
// The package reads the operators' answers (deliverSecureResponse and
// notifyResponse, with or without namespace prefixes), checks that they
// speak of the recipient asked about, and writes them for servers such as
// the fake infrastructure. Receipts encode to JSON for audit logs with
// personal identity numbers masked. A Proof keeps a receipt with the exact
// request and answer bodies in one file (format mm-proof/1, read strictly
// so that no other JSON reader sees another receipt in it). Check confirms
// later that its parts agree; Verify also verifies the request's
// signatures and compares the signed delivery with the receipt. A proof of
// a class-1 notification is not verifiable (ErrNotVerifiable): it carries
// no signature.
//
// The shortest real use, after a deliverSecure call whose request body was
// req and whose SOAP body payload d has just started with start:
//
//	res, err := receipt.DecodeDeliverSecureResponse(d, start)
//	if err != nil { /* the message may have landed: receipt.NewUnknown */ }
//	r, err := receipt.FromDeliveryResult(receipt.Attempt{
//		MessageID: m.ID, Recipient: m.Recipient, Operator: op.Identity(), Request: req, Attempts: 1,
//	}, res)
//	slog.Info("sent", "receipt", r) // recipient masked
//	proof := &receipt.Proof{Receipt: *r, Request: req, Response: answer}
//	_, err = proof.WriteTo(file)
package receipt
