package message

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/avsandare/mm/internal/xmlseq"
	"github.com/avsandare/mm/securityclass"
)

// ParseSignedDelivery reads a SignedDelivery document (with or without its
// signature, with or without namespace prefixes) into the model. It checks
// the structure the XSD prescribes, element by element, and that every
// attachment's checksum matches its content; it does not check signatures
// (package sign does) nor the field rules (call Validate).
//
// The wire form does not tell class 2 from class 3: parsed messages have the
// zero Class, which means class 3. Elements the SDK does not model (Reply,
// ReceiptRequest, the sender's Attention, foreign OfficialMatter content) are
// refused rather than dropped.
func ParseSignedDelivery(data []byte) (*Delivery, error) {
	r := reader{xmlseq.New(inMemory(data))}
	d, err := r.signedDelivery()
	return d, wireError(err)
}

func (r reader) signedDelivery() (*Delivery, error) {
	if err := r.Start(NSMessageV3, "SignedDelivery"); err != nil {
		return nil, err
	}
	d, err := r.delivery()
	if err != nil {
		return nil, err
	}
	if ok, err := r.Opt(NSDSig, "Signature"); err != nil {
		return nil, err
	} else if ok {
		if err := r.Skip(); err != nil {
			return nil, err
		}
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	return d, r.EOF()
}

func (r reader) delivery() (*Delivery, error) {
	if err := r.Start(NSMessageV3, "Delivery"); err != nil {
		return nil, err
	}
	if err := r.Start(NSMessageV3, "Header"); err != nil {
		return nil, err
	}
	var d Delivery
	var h Message
	if err := r.deliveryHeader(NSMessageV2, &d.Sender, &h); err != nil {
		return nil, err
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	for first := true; first || r.Is(NSMessageV3, "Message"); first = false {
		m := &Message{Recipient: h.Recipient, Reference: h.Reference, CorrelationID: h.CorrelationID, Attention: h.Attention}
		if err := r.secureMessage(m); err != nil {
			return nil, err
		}
		d.Messages = append(d.Messages, m)
	}
	return &d, r.End()
}

func (r reader) deliveryHeader(ns string, s *Sender, m *Message) error {
	if err := r.Start(ns, "Sender"); err != nil {
		return err
	}
	id, err := r.Leaf(NSSender, "Id")
	if err != nil {
		return err
	}
	s.ID = OrgNumber(id)
	if s.Name, err = r.Leaf(NSSender, "Name"); err != nil {
		return err
	}
	if r.Is(NSSender, "Attention") {
		return r.Errorf("the sender's Attention is not supported")
	}
	if err := r.End(); err != nil {
		return err
	}
	rid, err := r.Leaf(ns, "Recipient")
	if err != nil {
		return err
	}
	m.Recipient = RecipientID(rid)
	if r.Is(ns, "Recipient") {
		return r.Errorf("one recipient per delivery: the SDK sends each recipient its own")
	}
	if m.Reference, err = r.OptLeaf(ns, "Reference"); err != nil {
		return err
	}
	if m.CorrelationID, err = r.OptLeaf(ns, "CorrelationId"); err != nil {
		return err
	}
	m.Attention, err = r.OptLeaf(ns, "Attention")
	return err
}

func (r reader) secureMessage(m *Message) error {
	if err := r.Start(NSMessageV3, "Message"); err != nil {
		return err
	}
	if err := r.Start(NSMessageV3, "Header"); err != nil {
		return err
	}
	if err := r.messageHeader(m); err != nil {
		return err
	}
	if err := r.Start(NSMessageV3, "Body"); err != nil {
		return err
	}
	if err := r.messageBody(m); err != nil {
		return err
	}
	for r.Is(NSMessageV3, "Attachment") {
		if err := r.attachment(m); err != nil {
			return err
		}
	}
	return r.End()
}

// messageHeader reads the children of a Message/v3 MessageHeader, and its
// end.
func (r reader) messageHeader(m *Message) error {
	const ns = NSMessageV3
	var err error
	if m.ID, err = r.Leaf(ns, "Id"); err != nil {
		return err
	}
	if m.Subject, err = r.Leaf(ns, "Subject"); err != nil {
		return err
	}
	if err := r.Start(ns, "Supportinfo"); err != nil {
		return err
	}
	if m.Support.Text, err = r.Leaf(ns, "Text"); err != nil {
		return err
	}
	if m.Support.URL, err = r.OptLeaf(ns, "URL"); err != nil {
		return err
	}
	if m.Support.Phone, err = r.OptLeaf(ns, "PhoneNumber"); err != nil {
		return err
	}
	if m.Support.Email, err = r.OptLeaf(ns, "EmailAdress"); err != nil {
		return err
	}
	if err := r.End(); err != nil {
		return err
	}
	if ok, err := r.Opt(ns, "OfficialMatter"); err != nil {
		return err
	} else if ok {
		if m.OfficialMatter, err = r.officialMatter(); err != nil {
			return err
		}
	}
	for r.Is(ns, "Metadata") {
		if err := r.Start(ns, "Metadata"); err != nil {
			return err
		}
		var md Metadata
		if md.Tag, err = r.Leaf(NSMessage, "Tag"); err != nil {
			return err
		}
		if md.Value, err = r.Leaf(NSMessage, "Value"); err != nil {
			return err
		}
		if err := r.End(); err != nil {
			return err
		}
		m.Metadata = append(m.Metadata, md)
	}
	if m.Language, err = r.Leaf(ns, "Language"); err != nil {
		return err
	}
	if r.Is(ns, "Reply") || r.Is(ns, "ReceiptRequest") {
		return r.Errorf("Reply and ReceiptRequest are unused by the infrastructure and not supported")
	}
	return r.End()
}

// officialMatter reads OfficialMatter's content (the element is started)
// and its end. The extension may come as the Message/v3 element or, through
// the schema's xs:any, as the global OfficialMatter/v3 element.
func (r reader) officialMatter() (*OfficialMatter, error) {
	if ok, err := r.Opt(NSMessageV3, "OfficialMatterExtension"); err != nil {
		return nil, err
	} else if !ok {
		if err := r.Start(NSOfficialMatterV3, "OfficialMatterExtension"); err != nil {
			return nil, err
		}
	}
	const ns = NSOfficialMatterV3
	om := &OfficialMatter{}
	ts, err := r.Leaf(ns, "Timestamp")
	if err != nil {
		return nil, err
	}
	if om.Timestamp, err = parseDate(ts); err != nil {
		return nil, r.Errorf("Timestamp: %v", err)
	}
	if ok, err := r.Opt(ns, "Identity"); err != nil {
		return nil, err
	} else if ok {
		if om.EventID, err = r.OptLeaf(ns, "EventId"); err != nil {
			return nil, err
		}
		if om.OfficialMatterID, err = r.OptLeaf(ns, "OfficialMatterId"); err != nil {
			return nil, err
		}
		if om.PrecedingEventID, err = r.OptLeaf(ns, "PrecedingEventId"); err != nil {
			return nil, err
		}
		if err := r.End(); err != nil {
			return nil, err
		}
	}
	if om.MatterSubject, err = r.OptLeaf(ns, "MatterSubject"); err != nil {
		return nil, err
	}
	if om.EventType, err = r.OptLeaf(ns, "EventType"); err != nil {
		return nil, err
	}
	status, err := r.OptLeaf(ns, "MatterStatus")
	if err != nil {
		return nil, err
	}
	om.MatterStatus = MatterStatus(status)
	if err := r.End(); err != nil { // OfficialMatterExtension
		return nil, err
	}
	return om, r.End() // OfficialMatter
}

// messageBody reads the children of a MessageBody (the element is started)
// and its end.
func (r reader) messageBody(m *Message) error {
	var err error
	if m.Body.ContentType, err = r.Leaf(NSMessage, "ContentType"); err != nil {
		return err
	}
	b64, err := r.LeafBytes(NSMessage, "Body")
	if err != nil {
		return err
	}
	body, err := decodeBase64(b64)
	if err != nil {
		return r.Errorf("Body: %v", err)
	}
	if !utf8.Valid(body) {
		return r.Errorf("Body: the text is not UTF-8")
	}
	m.Body.Text = string(body)
	return r.End()
}

func (r reader) attachment(m *Message) error {
	if err := r.Start(NSMessageV3, "Attachment"); err != nil {
		return err
	}
	var a Attachment
	var err error
	if a.ContentType, err = r.Leaf(NSMessage, "ContentType"); err != nil {
		return err
	}
	b64, err := r.LeafBytes(NSMessage, "Body")
	if err != nil {
		return err
	}
	if a.Data, err = decodeBase64(b64); err != nil {
		return r.Errorf("attachment Body: %v", err)
	}
	sum, err := r.Leaf(NSMessage, "Checksum")
	if err != nil {
		return err
	}
	if want := md5.Sum(a.Data); !strings.EqualFold(strings.TrimSpace(sum), hex.EncodeToString(want[:])) {
		return r.Errorf("attachment Checksum does not match the MD5 of its content")
	}
	if a.Filename, err = r.Leaf(NSMessage, "Filename"); err != nil {
		return err
	}
	m.Attachments = append(m.Attachments, a)
	return r.End()
}

// ParseNotification reads a standalone NotificationDelivery document, as
// MarshalNotification writes it (prefixes allowed). Its message gets class 1.
func ParseNotification(data []byte) (*Notification, error) {
	r := reader{xmlseq.New(inMemory(data))}
	n, err := r.notificationDocument()
	return n, wireError(err)
}

func (r reader) notificationDocument() (*Notification, error) {
	if err := r.Start(NSNotificationV3, NotificationRoot); err != nil {
		return nil, err
	}
	n, err := r.notification()
	if err != nil {
		return nil, err
	}
	return n, r.EOF()
}

// DecodeNotification reads the children of start, a NotificationDelivery
// element met by d (such as Service/v3 notify/notify in a SOAP body), and
// its end.
func DecodeNotification(d *xml.Decoder, start xml.StartElement) (*Notification, error) {
	// encoding/xml's CharData is valid only until the next Token: not Stable.
	r := reader{xmlseq.New(d, xmlseq.Options{Within: []string{start.Name.Local}})}
	n, err := r.notification()
	return n, wireError(err)
}

func (r reader) notification() (*Notification, error) {
	if err := r.Start(NSNotificationV3, "Header"); err != nil {
		return nil, err
	}
	n := &Notification{Message: &Message{Class: securityclass.Class1}}
	m := n.Message
	if err := r.deliveryHeader(NSMessage, &n.Sender, m); err != nil {
		return nil, err
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	if err := r.Start(NSNotificationV3, "Message"); err != nil {
		return nil, err
	}
	if err := r.Start(NSNotificationV3, "header"); err != nil {
		return nil, err
	}
	if err := r.messageHeader(m); err != nil {
		return nil, err
	}
	if err := r.Start(NSNotificationV3, "body"); err != nil {
		return nil, err
	}
	if err := r.messageBody(m); err != nil {
		return nil, err
	}
	if err := r.End(); err != nil {
		return nil, err
	}
	const ns2 = NSNotificationV2
	if ok, err := r.Opt(NSNotificationV3, "EmailMessage"); err != nil {
		return nil, err
	} else if ok {
		e := &EmailNotice{}
		if err := r.Start(ns2, "header"); err != nil {
			return nil, err
		}
		if e.From, err = r.Leaf(ns2, "From"); err != nil {
			return nil, err
		}
		if e.Subject, err = r.Leaf(ns2, "Subject"); err != nil {
			return nil, err
		}
		if err := r.End(); err != nil {
			return nil, err
		}
		if e.Text, err = r.Leaf(ns2, "text"); err != nil {
			return nil, err
		}
		if err := r.End(); err != nil {
			return nil, err
		}
		m.Email = e
	}
	if ok, err := r.Opt(NSNotificationV3, "SmsMessage"); err != nil {
		return nil, err
	} else if ok {
		s := &SMSNotice{}
		if err := r.Start(ns2, "header"); err != nil {
			return nil, err
		}
		if s.From, err = r.Leaf(ns2, "From"); err != nil {
			return nil, err
		}
		if err := r.End(); err != nil {
			return nil, err
		}
		if s.Text, err = r.Leaf(ns2, "text"); err != nil {
			return nil, err
		}
		if err := r.End(); err != nil {
			return nil, err
		}
		m.SMS = s
	}
	return n, r.End()
}

// decodeBase64 decodes xs:base64Binary, which may hold whitespace.
func decodeBase64(src []byte) ([]byte, error) {
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst, src) // skips \r and \n itself
	if err == nil {
		return dst[:n], nil
	}
	if !bytes.ContainsAny(src, " \t") {
		return nil, err
	}
	clean := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, src)
	n, err = base64.StdEncoding.Decode(dst, clean)
	return dst[:n], err
}

// parseDate reads an xs:date, with or without a time zone, as a UTC date.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateLayout, "2006-01-02Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, mo, d := t.Date()
			return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, &ValidationError{Field: "date", Rule: "must be an xs:date YYYY-MM-DD", Value: quoteShort(s)}
}
