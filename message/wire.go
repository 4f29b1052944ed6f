package message

import (
	"errors"

	"github.com/avsandare/mm/internal/canon"
)

// Delivery is the content of a secure delivery (SecureDelivery): one sender,
// one recipient, and one or more class-2 or class-3 messages that share the
// delivery header (recipient, Reference, CorrelationID, Attention, taken
// from the first message).
type Delivery struct {
	Sender   Sender
	Messages []*Message
}

// Notification is a class-1 delivery (NotificationDelivery): one message
// with its header and body, and the sender's optional e-mail and SMS notice
// texts, which ride on the message (Message.Email, Message.SMS).
type Notification struct {
	Sender  Sender
	Message *Message
}

// NewDelivery returns a delivery of msgs from sender.
func NewDelivery(sender Sender, msgs ...*Message) *Delivery {
	return &Delivery{Sender: sender, Messages: msgs}
}

// ErrNoID is returned when a message to be marshalled has no ID yet: the ID
// must be fixed before signing, so that a retry sends the same one. Call
// SetDefaults first.
var ErrNoID = errors.New("message ID is empty: call SetDefaults before marshalling")

// MarshalSignedDelivery returns the unsigned SignedDelivery document in its
// prefix-free canonical form:
//
//	<SignedDelivery xmlns="http://minameddelanden.gov.se/schema/Message/v3"><Delivery>…</Delivery></SignedDelivery>
//
// The sender's signature is added by package sign as the last child. The
// delivery is validated first.
func (d *Delivery) MarshalSignedDelivery() ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	w := canon.New(make([]byte, 0, d.signedSize()), "")
	w.Open("SignedDelivery", NSMessageV3)
	d.write(w)
	w.Close("SignedDelivery")
	return w.Buf, nil
}

// AppendDelivery validates d and appends its Delivery element, written as a
// child of a Message/v3 element (no xmlns of its own), to dst. Package sign
// uses it to write and digest the delivery in one pass.
func (d *Delivery) AppendDelivery(dst []byte) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	w := canon.New(dst, NSMessageV3)
	d.write(w)
	return w.Buf, nil
}

// DeliverySize is the exact length of the Delivery element AppendDelivery
// writes.
func (d *Delivery) DeliverySize() int {
	w := canon.New(nil, NSMessageV3)
	w.Counting = true
	d.write(w)
	return w.Len()
}

func (d *Delivery) signedSize() int {
	return len(`<SignedDelivery xmlns="`+NSMessageV3+`"></SignedDelivery>`) + d.DeliverySize()
}

func (d *Delivery) check() error {
	if err := d.Validate(); err != nil {
		return err
	}
	for _, m := range d.Messages {
		if m.ID == "" {
			return ErrNoID
		}
	}
	return nil
}

func (d *Delivery) write(w *canon.Writer) {
	first := d.Messages[0]
	w.Open("Delivery", NSMessageV3)
	w.Open("Header", NSMessageV3)
	writeDeliveryHeader(w, NSMessageV2, d.Sender, first)
	w.Close("Header")
	for _, m := range d.Messages {
		m.writeSecure(w)
	}
	w.Close("Delivery")
}

// writeDeliveryHeader writes the children of a delivery header; ns is the
// namespace of the header's own children (Message/v2 in a secure delivery,
// Message in a notification).
func writeDeliveryHeader(w *canon.Writer, ns string, s Sender, m *Message) {
	w.Open("Sender", ns)
	leaf(w, "Id", NSSender, string(s.ID))
	leaf(w, "Name", NSSender, s.Name)
	w.Close("Sender")
	leaf(w, "Recipient", ns, string(m.Recipient))
	optLeaf(w, "Reference", ns, m.Reference)
	optLeaf(w, "CorrelationId", ns, m.CorrelationID)
	optLeaf(w, "Attention", ns, m.Attention)
}

// writeHeader writes the children of a Message/v3 MessageHeader.
func (m *Message) writeHeader(w *canon.Writer) {
	const ns = NSMessageV3
	leaf(w, "Id", ns, m.ID)
	leaf(w, "Subject", ns, m.Subject)
	w.Open("Supportinfo", ns)
	leaf(w, "Text", ns, m.Support.Text)
	optLeaf(w, "URL", ns, m.Support.URL)
	optLeaf(w, "PhoneNumber", ns, m.Support.Phone)
	optLeaf(w, "EmailAdress", ns, m.Support.Email)
	w.Close("Supportinfo")
	if om := m.OfficialMatter; om != nil {
		const ons = NSOfficialMatterV3
		w.Open("OfficialMatter", ns)
		w.Open("OfficialMatterExtension", ns)
		leaf(w, "Timestamp", ons, om.Timestamp.Format(dateLayout))
		if om.EventID != "" || om.OfficialMatterID != "" || om.PrecedingEventID != "" {
			w.Open("Identity", ons)
			optLeaf(w, "EventId", ons, om.EventID)
			optLeaf(w, "OfficialMatterId", ons, om.OfficialMatterID)
			optLeaf(w, "PrecedingEventId", ons, om.PrecedingEventID)
			w.Close("Identity")
		}
		optLeaf(w, "MatterSubject", ons, om.MatterSubject)
		optLeaf(w, "EventType", ons, om.EventType)
		optLeaf(w, "MatterStatus", ons, string(om.MatterStatus))
		w.Close("OfficialMatterExtension")
		w.Close("OfficialMatter")
	}
	for _, md := range m.Metadata {
		w.Open("Metadata", ns)
		leaf(w, "Tag", NSMessage, md.Tag)
		leaf(w, "Value", NSMessage, md.Value)
		w.Close("Metadata")
	}
	leaf(w, "Language", ns, m.language())
}

// writeBody writes the children of a MessageBody.
func (m *Message) writeBody(w *canon.Writer) {
	leaf(w, "ContentType", NSMessage, m.Body.ContentType)
	w.Open("Body", NSMessage)
	w.Base64(stringBytes(m.Body.Text))
	w.Close("Body")
}

// writeSecure writes the message as a SecureMessage element of Message/v3.
func (m *Message) writeSecure(w *canon.Writer) {
	w.Open("Message", NSMessageV3)
	w.Open("Header", NSMessageV3)
	m.writeHeader(w)
	w.Close("Header")
	w.Open("Body", NSMessageV3)
	m.writeBody(w)
	w.Close("Body")
	for i := range m.Attachments {
		a := &m.Attachments[i]
		w.Open("Attachment", NSMessageV3)
		leaf(w, "ContentType", NSMessage, a.ContentType)
		w.Open("Body", NSMessage)
		w.Base64(a.Data)
		w.Close("Body")
		w.Open("Checksum", NSMessage)
		w.MD5Hex(a.Data)
		w.Close("Checksum")
		leaf(w, "Filename", NSMessage, a.Filename)
		w.Close("Attachment")
	}
	w.Close("Message")
}

// wireSize is the length of the message as a SecureMessage element.
func (m *Message) wireSize() int {
	w := canon.New(nil, NSMessageV3)
	w.Counting = true
	m.writeSecure(w)
	return w.Len()
}

const dateLayout = "2006-01-02"

// NotificationRoot is the root element of a standalone NotificationDelivery
// document; on the wire the same children sit in Service/v3 notify/notify.
const NotificationRoot = "NotificationDelivery"

// MarshalNotification returns the NotificationDelivery document in its
// prefix-free canonical form, with root <NotificationDelivery
// xmlns="http://minameddelanden.gov.se/schema/Notification/v3">.
func (n *Notification) MarshalNotification() ([]byte, error) {
	return n.AppendNotification(nil, NotificationRoot, NSNotificationV3, "")
}

// AppendNotification validates n and appends it to dst as an element named
// local in namespace ns, written inside an element of namespace parentNS.
// The SOAP body uses it to write notify/notify in the Service/v3 namespace.
func (n *Notification) AppendNotification(dst []byte, local, ns, parentNS string) ([]byte, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	m := n.Message
	if m.ID == "" {
		return nil, ErrNoID
	}
	w := canon.New(dst, parentNS)
	w.Open(local, ns)
	w.Open("Header", NSNotificationV3)
	writeDeliveryHeader(w, NSMessage, n.Sender, m)
	w.Close("Header")
	w.Open("Message", NSNotificationV3)
	w.Open("header", NSNotificationV3)
	m.writeHeader(w)
	w.Close("header")
	w.Open("body", NSNotificationV3)
	m.writeBody(w)
	w.Close("body")
	w.Close("Message")
	if e := m.Email; e != nil {
		w.Open("EmailMessage", NSNotificationV3)
		w.Open("header", NSNotificationV2)
		leaf(w, "From", NSNotificationV2, e.From)
		leaf(w, "Subject", NSNotificationV2, e.Subject)
		w.Close("header")
		leaf(w, "text", NSNotificationV2, e.Text)
		w.Close("EmailMessage")
	}
	if s := m.SMS; s != nil {
		w.Open("SmsMessage", NSNotificationV3)
		w.Open("header", NSNotificationV2)
		leaf(w, "From", NSNotificationV2, s.From)
		w.Close("header")
		leaf(w, "text", NSNotificationV2, s.Text)
		w.Close("SmsMessage")
	}
	w.Close(local)
	return w.Buf, nil
}
