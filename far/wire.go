package far

import (
	"errors"
	"fmt"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

// ErrMalformedAnswer is wrapped by every error about an answer from FaR that
// does not have the shape the contracts give it.
var ErrMalformedAnswer = errors.New("malformed answer from FaR")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedAnswer, fmt.Sprintf(format, a...))
}

const (
	nsV3 = message.NSRecipientV3
	nsR  = message.NSRecipient
)

// appendIsReachable writes the Recipient v3 isReachable request element.
func appendIsReachable(dst []byte, sender message.OrgNumber, ids []message.RecipientID) []byte {
	w := canon.New(dst, "")
	w.Open("isReachable", nsV3)
	w.Leaf("senderOrgNr", nsV3, string(sender))
	for _, id := range ids {
		w.Leaf("recipientId", nsV3, string(id))
	}
	w.Close("isReachable")
	return w.Buf
}

// appendIsRegistered writes the Recipient v3 isRegistered request element.
func appendIsRegistered(dst []byte, ids []message.RecipientID) []byte {
	w := canon.New(dst, "")
	w.Open("isRegistered", nsV3)
	for _, id := range ids {
		w.Leaf("recipientId", nsV3, string(id))
	}
	w.Close("isRegistered")
	return w.Buf
}
