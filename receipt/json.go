package receipt

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/securityclass"
)

// receiptJSON is the JSON form of a Receipt, for audit logs and proof
// files. Field names are stable: renaming one breaks every log reader.
type receiptJSON struct {
	MessageID string `json:"messageId"`
	Sender    string `json:"sender,omitempty"`
	Recipient string `json:"recipient"`
	// RecipientMasked tells a reader, and the decoder, that recipient lost
	// its last four digits.
	RecipientMasked bool `json:"recipientMasked,omitempty"`
	// Class is written as its digit in a string ("3"), as securityclass
	// encodes it everywhere.
	Class        securityclass.Class `json:"class,omitempty"`
	Channel      Channel             `json:"channel"`
	State        State               `json:"state"`
	Operator     *operatorJSON       `json:"operator,omitempty"`
	TransID      string              `json:"transId,omitempty"`
	Delivered    bool                `json:"delivered"`
	NotifiedBy   []string            `json:"notifiedBy,omitempty"`
	PaperReason  message.PaperReason `json:"paperReason,omitempty"`
	Problem      string              `json:"problem,omitempty"`
	SealedSHA256 string              `json:"sealedSha256,omitempty"`
	At           time.Time           `json:"at"`
	Attempts     int                 `json:"attempts"`
}

type operatorJSON struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// MarshalJSON encodes the receipt for an audit log with the recipient's
// personal or coordination number masked (19530323****, and
// "recipientMasked": true); organisation numbers are public and stay whole.
// Use [Receipt.WithFullIDs] where the full number is needed and allowed.
func (r Receipt) MarshalJSON() ([]byte, error) { return r.marshal(false) }

// FullIDs is a receipt that encodes to JSON with the recipient's number
// whole; see [Receipt.WithFullIDs].
type FullIDs struct{ r *Receipt }

// WithFullIDs returns r wrapped so that json.Marshal writes the recipient's
// full number. Such JSON is personal data: keep it where the message itself
// may be kept, not in general logs.
func (r *Receipt) WithFullIDs() FullIDs { return FullIDs{r} }

// MarshalJSON encodes the receipt with the recipient's full number.
func (f FullIDs) MarshalJSON() ([]byte, error) {
	if f.r == nil {
		return []byte("null"), nil
	}
	return f.r.marshal(true)
}

func (r *Receipt) marshal(full bool) ([]byte, error) {
	j := receiptJSON{
		MessageID:    r.MessageID,
		Sender:       string(r.Sender),
		Recipient:    string(r.Recipient),
		Class:        r.Class,
		Channel:      r.Channel,
		State:        r.State,
		TransID:      r.TransID,
		Delivered:    r.Delivered,
		NotifiedBy:   r.NotifiedBy,
		PaperReason:  r.PaperReason,
		Problem:      r.Problem,
		SealedSHA256: r.SealedSHA256,
		At:           r.At,
		Attempts:     r.Attempts,
	}
	if !full {
		j.Recipient = r.Recipient.Masked()
	}
	// A receipt decoded from a masked log stays marked as masked.
	j.RecipientMasked = strings.Contains(j.Recipient, "*")
	if r.Operator != (message.Operator{}) {
		j.Operator = &operatorJSON{ID: string(r.Operator.ID), Name: r.Operator.Name}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes either form. A masked recipient stays masked: the
// Recipient field then holds 19530323****, which is not Valid, so that it is
// never mistaken for an identity to send to.
func (r *Receipt) UnmarshalJSON(b []byte) error {
	var j receiptJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if !j.Channel.Valid() {
		return fmt.Errorf("receipt: unknown channel %q", j.Channel)
	}
	if !j.State.Valid() {
		return fmt.Errorf("receipt: unknown state %q", j.State)
	}
	*r = Receipt{
		MessageID:    j.MessageID,
		Sender:       message.OrgNumber(j.Sender),
		Recipient:    message.RecipientID(j.Recipient),
		Class:        j.Class,
		Channel:      j.Channel,
		State:        j.State,
		TransID:      j.TransID,
		Delivered:    j.Delivered,
		NotifiedBy:   j.NotifiedBy,
		PaperReason:  j.PaperReason,
		Problem:      j.Problem,
		SealedSHA256: j.SealedSHA256,
		At:           j.At,
		Attempts:     j.Attempts,
	}
	if j.Operator != nil {
		r.Operator = message.Operator{ID: message.OrgNumber(j.Operator.ID), Name: j.Operator.Name}
	}
	return nil
}

// LogValue makes slog print the receipt's main facts with the recipient
// masked.
func (r Receipt) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("messageId", safetext.Clean(r.MessageID)),
		slog.String("recipient", r.Recipient.Masked()),
		slog.String("channel", string(r.Channel)),
		slog.String("state", string(r.State)),
	}
	if r.Operator.ID != "" {
		attrs = append(attrs, slog.String("operator", string(r.Operator.ID)))
	}
	// The texts may come from an operator or a receipt stored by an older
	// version: cleaned here too.
	if r.TransID != "" {
		attrs = append(attrs, slog.String("transId", safetext.Clean(r.TransID)))
	}
	if r.PaperReason != "" {
		attrs = append(attrs, slog.String("paperReason", safetext.Clean(string(r.PaperReason))))
	}
	if r.Problem != "" {
		attrs = append(attrs, slog.String("problem", safetext.Clean(r.Problem)))
	}
	return slog.GroupValue(append(attrs, slog.Int("attempts", r.Attempts))...)
}
