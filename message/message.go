package message

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/avsandare/mm/securityclass"
)

// DefaultLanguage is the language production senders send (xs:language).
const DefaultLanguage = "svSE"

// Message is one message to one recipient: what the sender writes, and the
// protection class it travels in.
//
// Line ends: in every text field — Subject, Support, Reference,
// CorrelationID, Attention, Metadata, OfficialMatter, the Email and SMS
// notices, attachment file names, and the sender's Name — CRLF and a lone CR
// are written as LF, and validated as such (SPEC §4: a signed text must hold
// no carriage return). The message itself is not changed. Body.Text is sent
// as base64 and attachments as bytes: both are left exactly as given. ID
// must hold no CR at all.
type Message struct {
	// ID is the message's globally unique identity and its idempotency key:
	// a retried delivery reuses it, so the operator stores the message once.
	// SetDefaults generates a UUID v4 when it is empty.
	ID        string
	Recipient RecipientID
	// Subject is at most 255 characters; CRLF and CR are written as LF.
	Subject string
	Body    Body
	// Attachments are allowed in classes 2 and 3.
	Attachments []Attachment
	// Support tells the recipient where to turn with questions; mandatory.
	// CRLF and CR in its fields are written as LF.
	Support SupportInfo
	// Class is the protection class; the zero value means class 3.
	Class securityclass.Class
	// Reference is the sender's own cost reference (at most 50 characters).
	// CRLF and CR are written as LF, here and in CorrelationID and Attention.
	Reference string
	// CorrelationID links the message to a matter at the sender.
	CorrelationID string
	// Attention is a sub-address at the recipient, such as a department.
	Attention string
	// Language is an xs:language; empty means DefaultLanguage ("svSE").
	Language string
	// Metadata tags and values have CRLF and CR written as LF.
	Metadata []Metadata
	// OfficialMatter's texts have CRLF and CR written as LF.
	OfficialMatter *OfficialMatter
	// Email and SMS are the sender's own notice texts for a class-1 message;
	// they are refused in classes 2 and 3, whose notices are neutral. CRLF
	// and CR in them are written as LF.
	Email *EmailNotice
	SMS   *SMSNotice
}

// Body is the message text.
type Body struct {
	// ContentType is ContentTypePlain or ContentTypeHTML.
	ContentType string
	// Text is the body as UTF-8 text; on the wire it is base64 once, with
	// its line ends exactly as given (base64 carries no carriage return).
	Text string
}

// Body content types.
const (
	ContentTypePlain = "text/plain"
	ContentTypeHTML  = "text/html"
)

// Attachment is a file sent with a class-2 or class-3 message.
type Attachment struct {
	// Filename is the original name of the file, without any directory;
	// CRLF and CR are written as LF. Data is sent byte for byte.
	Filename    string
	ContentType string
	Data        []byte
}

// Attachment content types the contracts allow.
const (
	ContentTypePDF          = "application/pdf"
	ContentTypeMSWord       = "application/msword"
	ContentTypeDOCX         = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeDOTX         = "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
	ContentTypeCalendar     = "text/calendar"
	attachmentTypesAsPhrase = "application/pdf, application/msword, the Word .docx and .dotx types, text/calendar"
)

// AttachmentContentTypes returns the allow-list of attachment content
// types, as a copy.
func AttachmentContentTypes() []string {
	return []string{ContentTypePDF, ContentTypeMSWord, ContentTypeDOCX, ContentTypeDOTX, ContentTypeCalendar}
}

// SupportInfo tells the recipient where to turn with questions. Text is
// mandatory. CRLF and CR in every field are written as LF, and the lengths
// are counted so.
type SupportInfo struct {
	Text  string
	URL   string
	Phone string
	Email string
}

// Metadata is a free tag and value that sender and recipient may use for
// sorting and filtering.
type Metadata struct {
	Tag   string
	Value string
}

// OfficialMatter marks the message as an event in an official matter
// (kundärende), per OfficialMatterExtension of OfficialMatter/v3.
type OfficialMatter struct {
	// Timestamp is the date the event was created; mandatory.
	Timestamp        time.Time
	EventID          string
	OfficialMatterID string
	PrecedingEventID string
	MatterSubject    string
	EventType        string
	MatterStatus     MatterStatus
}

// MatterStatus says who is to act next in the matter.
type MatterStatus string

// The matter statuses of OfficialMatter/v3.
const (
	MatterSenderInitiative    MatterStatus = "senderinitiative"
	MatterRecipientInitiative MatterStatus = "recipientinitiative"
	MatterClosed              MatterStatus = "closed"
)

// EmailNotice is a class-1 notice sent to the recipient's e-mail address.
type EmailNotice struct {
	From    string
	Subject string
	Text    string
}

// SMSNotice is a class-1 notice sent by SMS.
type SMSNotice struct {
	// From is the sender shown on the phone, at most 11 characters.
	From string
	// Text is at most 160 characters.
	Text string
}

// Sender is the authority that owns a delivery.
type Sender struct {
	ID OrgNumber
	// Name is 2 to 256 characters; CRLF and CR are written as LF.
	Name string
}

// SetDefaults fills in what a message may leave out: a UUID v4 ID, the
// language and the class. It returns m for chaining.
func (m *Message) SetDefaults() *Message {
	if m.ID == "" {
		m.ID = NewID()
	}
	if m.Language == "" {
		m.Language = DefaultLanguage
	}
	m.Class = m.Class.OrDefault()
	return m
}

func (m *Message) language() string {
	if m.Language == "" {
		return DefaultLanguage
	}
	return m.Language
}

// NewID returns a random UUID version 4 in its canonical text form.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
