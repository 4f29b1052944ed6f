package receipt

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/avsandare/mm/message"
)

// ProofFormat names the proof file format this package writes and reads.
// A later format gets a new name; readers refuse names they do not know.
const ProofFormat = "mm-proof/1"

// MaxProofSize bounds what ReadProof reads: a request envelope is capped at
// 2 MiB, base64 makes it a third larger, and the answer is small.
const MaxProofSize = 8 << 20

// Proof is what an agency keeps to show later what was sent, to whom and
// when, and what the operator answered: the receipt and the exact HTTP
// bodies of the request and the answer. The receipt's SealedSHA256 is the
// SHA-256 of Request (see [RequestSHA256]), so the request cannot be
// swapped without Check noticing; the request carries the sealed delivery
// with both signatures, which package sign (and `mm verify`) can verify from
// Request as it is.
//
// A proof file is JSON, UTF-8, in this shape (format mm-proof/1):
//
//	{
//	  "format": "mm-proof/1",
//	  "receipt": { …the receipt's JSON with the full recipient number… },
//	  "request": "<standard base64 of the request body>",
//	  "response": "<standard base64 of the answer body>"
//	}
//
// Base64 keeps the bodies byte for byte, which a hash needs; JSON keeps the
// receipt readable. A proof holds a personal identity number whole and the
// message itself: keep it as the message is kept.
type Proof struct {
	Receipt
	// Request is the exact HTTP request body sent: the SOAP envelope with the
	// sealed delivery (or the notification).
	Request []byte
	// Response is the exact HTTP answer body received; empty when none came.
	Response []byte
}

type proofJSON struct {
	Format   string          `json:"format"`
	Receipt  json.RawMessage `json:"receipt"`
	Request  []byte          `json:"request"`
	Response []byte          `json:"response,omitempty"`
}

// MarshalJSON encodes the proof in its file format, with the recipient's
// full number: a proof with a masked number proves nothing.
func (p Proof) MarshalJSON() ([]byte, error) {
	r, err := p.Receipt.marshal(true)
	if err != nil {
		return nil, err
	}
	return json.Marshal(proofJSON{Format: ProofFormat, Receipt: r, Request: p.Request, Response: p.Response})
}

// UnmarshalJSON decodes a proof file; the format must be ProofFormat. It
// reads strictly, so that no other JSON reader can see another proof in
// the same bytes: keys must be written exactly as the format names them,
// each once (two keys equal but for case are refused too), with nothing
// after the object.
func (p *Proof) UnmarshalJSON(b []byte) error {
	if err := checkStrict(b, proofShape); err != nil {
		return fmt.Errorf("%w: proof: %w", ErrProofFormat, err)
	}
	var j proofJSON
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&j); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	if j.Format != ProofFormat {
		return fmt.Errorf("%w: %q, want %q", ErrProofFormat, short(j.Format), ProofFormat)
	}
	var r Receipt
	if err := r.UnmarshalJSON(j.Receipt); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	*p = Proof{Receipt: r, Request: j.Request, Response: j.Response}
	return nil
}

// WriteTo writes the proof file to w, indented for people, ending in a
// line feed.
func (p *Proof) WriteTo(w io.Writer) (int64, error) {
	b, err := p.MarshalJSON()
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return 0, err
	}
	buf.WriteByte('\n')
	return buf.WriteTo(w)
}

// ReadProof reads a proof file of at most MaxProofSize bytes. It does not
// Check the proof.
func ReadProof(r io.Reader) (*Proof, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxProofSize+1))
	if err != nil {
		return nil, fmt.Errorf("read proof: %w", err)
	}
	if len(b) > MaxProofSize {
		return nil, fmt.Errorf("read proof: larger than %d bytes", MaxProofSize)
	}
	var p Proof
	if err := p.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return &p, nil
}

// Check confirms that the proof holds together: the receipt is consistent
// and names the full recipient; the SHA-256 of Request is the receipt's
// SealedSHA256; Request is a deliverSecure (with seal and the intermediary's
// signature) or notify envelope, as the channel says, for the receipt's
// recipient, sender and message ID; and, for an operator's answer
// (delivered, declined, or paper after a decline), Response parses and
// agrees with the receipt's transaction ID and Delivered flag and, for a
// notification, its notified-by channels. For states failed and unknown the
// answer, if any, is kept but not read: it may be a fault or nothing.
//
// Each of Request and Response must be a SOAP envelope with exactly one
// Body holding exactly one element: another reader must not find a second
// message in the same bytes. A receipt that reports an operator's answer
// must name the operator.
//
// Check does not verify signatures; Verify does. Errors are *ProofError and
// wrap ErrProofMismatch.
func (p *Proof) Check() error {
	_, err := p.check()
	return err
}

func (p *Proof) check() (*requestFacts, error) {
	r := &p.Receipt
	if err := r.Validate(); err != nil {
		return nil, proofErr("receipt", err, "not consistent")
	}
	if !r.Recipient.Valid() {
		return nil, proofErr("receipt", nil, "recipient %s is masked or invalid: a proof needs the full number", r.Recipient.Masked())
	}
	if r.State == StatePaper && r.TransID == "" {
		return nil, proofErr("receipt", nil, "a paper receipt without a declined digital attempt has no request to prove")
	}
	facts, err := p.checkRequest()
	if err != nil {
		return nil, err
	}
	switch r.State {
	case StateFailed, StateUnknown:
		return facts, nil
	}
	if r.Operator.ID == "" {
		return nil, proofErr("receipt", nil, "state %s is an operator's answer, but the receipt names no operator", r.State)
	}
	return facts, p.checkResponse(facts.kind)
}

func (p *Proof) checkRequest() (*requestFacts, error) {
	r := &p.Receipt
	if len(p.Request) == 0 {
		return nil, proofErr("request", nil, "empty")
	}
	if got := RequestSHA256(p.Request); !strings.EqualFold(got, r.SealedSHA256) {
		return nil, proofErr("request", nil, "sha-256 %s does not match the receipt's %q", got, short(r.SealedSHA256))
	}
	f, err := scanRequest(p.Request)
	if err != nil {
		return nil, proofErr("request", err, "unreadable")
	}
	switch {
	case r.Channel == Digital && f.kind != "deliverSecure",
		r.Channel == Notification && f.kind != "notify":
		return nil, proofErr("request", nil, "a %s request on channel %s", f.kind, r.Channel)
	case f.kind == "deliverSecure" && !f.sealed:
		return nil, proofErr("request", nil, "the delivery carries no seal and intermediary signature")
	case len(f.recipients) != 1:
		return nil, proofErr("request", nil, "names %d recipients, want one", len(f.recipients))
	case f.recipients[0] != string(r.Recipient):
		return nil, proofErr("request", nil, "is for recipient %s, the receipt for %s", maskedText(f.recipients[0]), r.Recipient.Masked())
	case !slices.Contains(f.messageIDs, r.MessageID):
		return nil, proofErr("request", nil, "does not carry message %q", short(r.MessageID))
	case r.Sender != "" && f.sender != string(r.Sender):
		return nil, proofErr("request", nil, "is from sender %q, the receipt from %s", short(f.sender), r.Sender)
	}
	return f, nil
}

func (p *Proof) checkResponse(kind string) error {
	r := &p.Receipt
	if len(p.Response) == 0 {
		return proofErr("response", nil, "empty, but state %s needs the operator's answer", r.State)
	}
	d, start, err := soapPayload(p.Response)
	if err != nil {
		return proofErr("response", err, "unreadable")
	}
	res, err := decodeAnswer(kind, d, start)
	if err == nil {
		err = soapEnd(d)
	}
	if err != nil {
		return proofErr("response", err, "unreadable")
	}
	o, err := res.outcomeFor(r.Recipient)
	if err != nil {
		return proofErr("response", err, "no status for the receipt's recipient")
	}
	switch {
	case o.transID != r.TransID:
		return proofErr("response", nil, "transaction ID %q, the receipt's %q", short(o.transID), short(r.TransID))
	case o.delivered != r.Delivered:
		return proofErr("response", nil, "delivered %t, the receipt's %t", o.delivered, r.Delivered)
	case !slices.Equal(o.notifiedBy, r.NotifiedBy):
		return proofErr("response", nil, "notified by %v, the receipt by %v", o.notifiedBy, r.NotifiedBy)
	}
	return nil
}

// decodeAnswer decodes the answer to a request of kind ("deliverSecure" or
// "notify").
func decodeAnswer(kind string, d *xml.Decoder, start xml.StartElement) (answer, error) {
	if kind == "notify" {
		res, err := DecodeNotifyResponse(d, start)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	res, err := DecodeDeliverSecureResponse(d, start)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// maskedText masks what may be a personal identity number read from a
// document.
func maskedText(s string) string {
	return message.RecipientID(s).Masked()
}
