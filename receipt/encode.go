package receipt

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

// AppendDeliverSecureResponse appends to dst the deliverSecureResponse
// element carrying res, as an operator answers: prefix-free, each element
// declaring its namespace where it changes, in canonical form. It is for
// servers, such as the fake infrastructure; what it writes validates
// against schema/v3/Service.xsd, and it refuses results that would not.
func AppendDeliverSecureResponse(dst []byte, res *DeliveryResult) ([]byte, error) {
	if res == nil {
		return dst, fmt.Errorf("%w: result is nil", ErrUnwritable)
	}
	return appendResponse(dst, "deliverSecureResponse", nsSvc, res.TransID, recipientsOf(res.Statuses), func(w *canon.Writer) {
		for _, s := range res.Statuses {
			w.Open("Status", nsSvc)
			w.Leaf("RecipientId", nsSvc, string(s.RecipientID))
			w.Leaf("Delivered", nsSvc, fmt.Sprint(s.Delivered))
			w.Close("Status")
		}
	})
}

// AppendNotifyResponse appends to dst the notifyResponse element carrying
// res; see [AppendDeliverSecureResponse].
func AppendNotifyResponse(dst []byte, res *NotifyResult) ([]byte, error) {
	if res == nil {
		return dst, fmt.Errorf("%w: result is nil", ErrUnwritable)
	}
	for i, s := range res.Statuses {
		if err := checkNotifiedBy(s); err != nil {
			return dst, fmt.Errorf("%w: Statuses[%d]: %s", ErrUnwritable, i, err)
		}
	}
	return appendResponse(dst, "notifyResponse", nsNf3, res.TransID, recipientsOf(res.Statuses), func(w *canon.Writer) {
		for _, s := range res.Statuses {
			w.Open("Status", nsNf3)
			w.Leaf("RecipientId", nsNf3, string(s.RecipientID))
			w.Open("DeliveryStatus", nsNf3)
			w.Leaf("DeliveredFlag", nsNf3, fmt.Sprint(s.Delivered))
			for _, ch := range s.NotifiedBy {
				w.Leaf("NotifiedByChannel", nsNf3, ch)
			}
			w.Close("DeliveryStatus")
			w.Close("Status")
		}
	})
}

// appendResponse writes the wrapper {Service/v3}root/return, the TransId in
// the result's namespace ns, and the statuses.
func appendResponse(dst []byte, root, ns, transID string, ids []message.RecipientID, statuses func(*canon.Writer)) ([]byte, error) {
	if err := checkWritable(transID, ids); err != nil {
		return dst, err
	}
	w := canon.New(dst, "")
	w.Open(root, nsSvc3)
	w.Open("return", nsSvc3)
	w.Leaf("TransId", ns, transID)
	statuses(w)
	w.Close("return")
	w.Close(root)
	return w.Buf, nil
}

func checkWritable(transID string, ids []message.RecipientID) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: at least one status", ErrUnwritable)
	}
	if !xmlText(transID) {
		return fmt.Errorf("%w: TransID holds characters XML cannot carry", ErrUnwritable)
	}
	for i, id := range ids {
		if id.Kind() == message.KindInvalid {
			return fmt.Errorf("%w: Statuses[%d].RecipientID is not a 12-digit identity (got %s)", ErrUnwritable, i, id.Masked())
		}
	}
	return nil
}

func checkNotifiedBy(s NotifyStatus) error {
	switch {
	case len(s.NotifiedBy) > 2:
		return errors.New("at most two notified-by channels")
	case len(s.NotifiedBy) > 0 && !s.Delivered:
		return errors.New("notified-by channels only when delivered")
	}
	for _, ch := range s.NotifiedBy {
		if ch != NotifiedSMS && ch != NotifiedEMail {
			return fmt.Errorf("notified-by channel %q is not SMS or EMail", short(ch))
		}
	}
	return nil
}

// xmlText reports whether s is UTF-8 that XML 1.0 can carry: no control
// characters but tab, line feed and carriage return, no non-characters
// U+FFFE and U+FFFF.
func xmlText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
	})
}
