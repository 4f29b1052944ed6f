package message

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/securityclass"
)

// Limits from the XSD and the contract document (SPEC §3).
const (
	MaxSubject        = 255
	MaxSupportText    = 1024
	MaxSupportURL     = 255
	MaxSupportPhone   = 255
	MinEmail          = 5
	MaxEmail          = 256
	MaxReference      = 50
	MinSenderName     = 2
	MaxSenderName     = 256
	MaxSMSText        = 160
	MaxSMSFrom        = 11
	MaxEmailSubject   = 254
	MaxMatterID       = 255
	MaxMatterText     = 2000
	MaxMessageID      = 255
	MaxSecureMessage  = 2 * 1024 * 1024 // bytes of one SecureMessage on the wire (§4.17)
	maxValueInMessage = 40
)

// ErrInvalid is wrapped by every *ValidationError, so errors.Is(err,
// ErrInvalid) tells a refused message from other failures.
var ErrInvalid = errors.New("invalid message")

// ErrTooLarge is wrapped by the size rule's *ValidationError.
var ErrTooLarge = errors.New("too large")

// ValidationError is one broken rule. Field names the field the way Go code
// spells it (Support.Email, Attachments[1].ContentType); Rule says what is
// required; Value describes what was found without repeating content that may
// be personal (a length, a content type, a masked identity).
type ValidationError struct {
	Field string
	Rule  string
	Value string
	err   error
}

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Rule
	}
	return e.Field + ": " + e.Rule + " (got " + e.Value + ")"
}

// Unwrap makes errors.Is(err, ErrInvalid) true, and errors.Is(err,
// ErrTooLarge) for the size rule.
func (e *ValidationError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrInvalid, e.err}
	}
	return []error{ErrInvalid}
}

// problems collects validation errors.
type problems []error

func (p *problems) add(field, rule, value string) {
	*p = append(*p, &ValidationError{Field: field, Rule: rule, Value: value})
}

func (p *problems) err() error { return errors.Join(*p...) }

// Validate checks every rule of the contracts that can be checked before
// sending: the XSD's lengths and patterns, the mandatory support text, the
// body and attachment content types, the HTML rules, the class rules and the
// 2 MB limit of a SecureMessage measured on its wire form. It returns all
// problems at once, joined; each is a *ValidationError. Fields SetDefaults
// fills (ID, Language, Class) may be empty.
func (m *Message) Validate() error {
	if m == nil {
		return &ValidationError{Field: "Message", Rule: "required"}
	}
	var p problems
	m.validateHeader(&p, "")
	m.validateContent(&p)
	return p.err()
}

func (m *Message) validateHeader(p *problems, prefix string) {
	if m.ID != "" {
		checkText(p, prefix+"ID", m.ID, 1, MaxMessageID)
		if strings.IndexByte(m.ID, '\r') >= 0 {
			// Other text fields have their line ends written as LF; the ID is
			// the idempotency key and receipts quote it, so it is never
			// rewritten.
			p.add(prefix+"ID", "must not contain a carriage return", "")
		}
	}
	checkRecipient(p, prefix+"Recipient", m.Recipient)
	if strings.TrimSpace(m.Subject) == "" {
		p.add(prefix+"Subject", "required", "")
	} else {
		checkText(p, prefix+"Subject", m.Subject, 1, MaxSubject)
	}
	checkSupport(p, prefix+"Support", m.Support)
	checkText(p, prefix+"Reference", m.Reference, 0, MaxReference)
	checkText(p, prefix+"CorrelationID", m.CorrelationID, 0, 0)
	checkText(p, prefix+"Attention", m.Attention, 0, 0)
	if m.Language != "" && !languageRE.MatchString(m.Language) {
		p.add(prefix+"Language", "must be an xs:language such as svSE or sv-SE", quoteShort(m.Language))
	}
	for i, md := range m.Metadata {
		f := fmt.Sprintf("%sMetadata[%d]", prefix, i)
		if md.Tag == "" {
			p.add(f+".Tag", "required", "")
		}
		checkText(p, f+".Tag", md.Tag, 0, 0)
		checkText(p, f+".Value", md.Value, 0, 0)
	}
	if m.OfficialMatter != nil {
		checkOfficialMatter(p, prefix+"OfficialMatter", m.OfficialMatter)
	}
}

func (m *Message) validateContent(p *problems) {
	class := m.Class.OrDefault()
	rules, ok := class.Requirements()
	if !ok {
		p.add("Class", "must be 1, 2 or 3", fmt.Sprint(int(m.Class)))
		return
	}
	switch m.Body.ContentType {
	case ContentTypePlain:
		checkText(p, "Body.Text", m.Body.Text, 0, 0)
	case ContentTypeHTML:
		checkText(p, "Body.Text", m.Body.Text, 0, 0)
		for _, e := range checkHTML(m.Body.Text) {
			p.add("Body.Text", e, "")
		}
	case "":
		p.add("Body.ContentType", "required: text/plain or text/html", "")
	default:
		p.add("Body.ContentType", "must be text/plain or text/html", quoteShort(m.Body.ContentType))
	}
	if strings.TrimSpace(m.Body.Text) == "" {
		p.add("Body.Text", "required", "")
	}
	if len(m.Attachments) > 0 && !rules.AttachmentsAllowed {
		p.add("Attachments", fmt.Sprintf("not allowed in %s", class), fmt.Sprint(len(m.Attachments)))
	}
	seen := map[string]int{}
	for i, a := range m.Attachments {
		f := fmt.Sprintf("Attachments[%d]", i)
		switch {
		case strings.TrimSpace(a.Filename) == "":
			p.add(f+".Filename", "required", "")
		case strings.ContainsAny(a.Filename, `/\`) || a.Filename == "." || a.Filename == "..":
			p.add(f+".Filename", "must be a file name without directories", quoteShort(a.Filename))
		default:
			checkText(p, f+".Filename", a.Filename, 1, 255)
			if j, dup := seen[a.Filename]; dup {
				p.add(f+".Filename", fmt.Sprintf("duplicates Attachments[%d].Filename", j), quoteShort(a.Filename))
			}
			seen[a.Filename] = i
		}
		if !slices.Contains(AttachmentContentTypes(), a.ContentType) {
			p.add(f+".ContentType", "must be one of "+attachmentTypesAsPhrase, quoteShort(a.ContentType))
		}
		if len(a.Data) == 0 {
			p.add(f+".Data", "must not be empty", "")
		}
	}
	if rules.SenderNotices {
		checkNotices(p, m.Email, m.SMS)
	} else {
		if m.Email != nil {
			p.add("Email", fmt.Sprintf("sender notices are only for class 1; %s notices are neutral", class), "")
		}
		if m.SMS != nil {
			p.add("SMS", fmt.Sprintf("sender notices are only for class 1; %s notices are neutral", class), "")
		}
	}
	if size := m.wireSize(); size > MaxSecureMessage {
		*p = append(*p, &ValidationError{
			Field: "Message", Rule: fmt.Sprintf("at most %d bytes on the wire (2 MB, attachments included)", MaxSecureMessage),
			Value: fmt.Sprintf("%d bytes", size), err: ErrTooLarge,
		})
	}
}

// Validate checks the sender and every message of the delivery, and that the
// messages share one recipient and one delivery header.
func (d *Delivery) Validate() error {
	var p problems
	checkSender(&p, d.Sender)
	if len(d.Messages) == 0 {
		p.add("Messages", "at least one message", "")
	}
	for i, m := range d.Messages {
		if m == nil {
			p.add(fmt.Sprintf("Messages[%d]", i), "required", "")
			continue
		}
		p.addPrefixed(fmt.Sprintf("Messages[%d].", i), m.Validate())
		if m.Class.Operation() == securityclass.OpNotify {
			p.add(fmt.Sprintf("Messages[%d].Class", i), "class 1 travels as a notification, not a secure delivery", "")
		}
		if i > 0 && !sameHeader(d.Messages[0], m) {
			p.add(fmt.Sprintf("Messages[%d]", i), "recipient, Reference, CorrelationID and Attention must equal those of Messages[0]: they share one delivery header", "")
		}
	}
	return p.err()
}

// Validate checks a class-1 notification: the sender, the message and its
// notice texts.
func (n *Notification) Validate() error {
	var p problems
	checkSender(&p, n.Sender)
	if n.Message == nil {
		p.add("Message", "required", "")
		return p.err()
	}
	if c := n.Message.Class.OrDefault(); c.Operation() != securityclass.OpNotify {
		p.add("Message.Class", "a notification carries a class-1 message", c.String())
	}
	p.addPrefixed("Message.", n.Message.Validate())
	return p.err()
}

// addPrefixed adds the validation errors joined in err, with prefix before
// each field name.
func (p *problems) addPrefixed(prefix string, err error) {
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var ve *ValidationError
		if errors.As(e, &ve) {
			c := *ve
			c.Field = prefix + ve.Field
			*p = append(*p, &c)
		} else {
			*p = append(*p, e)
		}
	}
}

// sameHeader compares the delivery header fields as they are written,
// line ends folded.
func sameHeader(a, b *Message) bool {
	return a.Recipient == b.Recipient && lf(a.Reference) == lf(b.Reference) &&
		lf(a.CorrelationID) == lf(b.CorrelationID) && lf(a.Attention) == lf(b.Attention)
}

func checkSender(p *problems, s Sender) {
	if s.ID == "" {
		p.add("Sender.ID", "required", "")
	} else if !s.ID.Valid() {
		p.add("Sender.ID", "must be an organisation number 16NNNNNNNNNN with a valid check digit", quoteShort(string(s.ID)))
	}
	checkText(p, "Sender.Name", s.Name, MinSenderName, MaxSenderName)
}

func checkRecipient(p *problems, f string, r RecipientID) {
	if r == "" {
		p.add(f, "required", "")
		return
	}
	if !r.Valid() {
		p.add(f, "must be a 12-digit personal, coordination or organisation number with a valid check digit; use ParseRecipientID", r.Masked())
	}
}

var (
	// emailRE is the XSD pattern .+@.+\..+ (XSD patterns are anchored, and
	// '.' matches any character but line ends).
	emailRE    = regexp.MustCompile(`^[^\r\n]+@[^\r\n]+\.[^\r\n]+$`)
	languageRE = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
)

func checkEmail(p *problems, f, s string) {
	s = lf(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < MinEmail || n > MaxEmail:
		p.add(f, fmt.Sprintf("must be %d to %d characters", MinEmail, MaxEmail), fmt.Sprintf("%d characters", n))
	case !emailRE.MatchString(s):
		p.add(f, "must be an e-mail address (pattern .+@.+\\..+)", "")
	}
	checkText(p, f, s, 0, 0)
}

func checkSupport(p *problems, f string, s SupportInfo) {
	if strings.TrimSpace(s.Text) == "" {
		p.add(f+".Text", "required: tell the recipient where to turn with questions", "")
	} else {
		checkText(p, f+".Text", s.Text, 1, MaxSupportText)
	}
	if s.URL != "" {
		checkText(p, f+".URL", s.URL, 1, MaxSupportURL)
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add(f+".URL", "must be an absolute http or https URL", quoteShort(s.URL))
		}
	}
	checkText(p, f+".Phone", s.Phone, 0, MaxSupportPhone)
	if s.Email != "" {
		checkEmail(p, f+".Email", s.Email)
	}
}

func checkOfficialMatter(p *problems, f string, om *OfficialMatter) {
	if om.Timestamp.IsZero() {
		p.add(f+".Timestamp", "required", "")
	} else if y := om.Timestamp.Year(); y < 1 || y > 9999 {
		p.add(f+".Timestamp", "year must be 1 to 9999", fmt.Sprint(y))
	}
	checkText(p, f+".EventID", om.EventID, 0, MaxMatterID)
	checkText(p, f+".OfficialMatterID", om.OfficialMatterID, 0, MaxMatterID)
	checkText(p, f+".PrecedingEventID", om.PrecedingEventID, 0, MaxMatterID)
	checkText(p, f+".MatterSubject", om.MatterSubject, 0, MaxMatterText)
	checkText(p, f+".EventType", om.EventType, 0, MaxMatterText)
	switch om.MatterStatus {
	case "", MatterSenderInitiative, MatterRecipientInitiative, MatterClosed:
	default:
		p.add(f+".MatterStatus", "must be senderinitiative, recipientinitiative or closed", quoteShort(string(om.MatterStatus)))
	}
}

func checkNotices(p *problems, e *EmailNotice, s *SMSNotice) {
	if e != nil {
		checkEmail(p, "Email.From", e.From)
		checkText(p, "Email.Subject", e.Subject, 0, MaxEmailSubject)
		if strings.TrimSpace(e.Text) == "" {
			p.add("Email.Text", "required", "")
		}
		checkText(p, "Email.Text", e.Text, 0, 0)
	}
	if s != nil {
		if strings.TrimSpace(s.From) == "" {
			p.add("SMS.From", "required", "")
		}
		checkText(p, "SMS.From", s.From, 0, MaxSMSFrom)
		if strings.TrimSpace(s.Text) == "" {
			p.add("SMS.Text", "required", "")
		}
		checkText(p, "SMS.Text", s.Text, 0, MaxSMSText)
	}
}

// checkText checks that s is valid UTF-8 made of characters XML 1.0 allows,
// and that its length in characters lies within [min, max] (max 0: no limit).
// Lengths are those of the text as written, line ends folded to LF (the
// characters checked are the same either way, so text without a length
// rule, such as a body, is not copied to fold them).
func checkText(p *problems, f, s string, min, max int) {
	if min > 0 || max > 0 {
		s = lf(s)
	}
	if !utf8.ValidString(s) {
		p.add(f, "must be valid UTF-8", "")
		return
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return !isXMLChar(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		p.add(f, "contains a character XML cannot carry", fmt.Sprintf("%U at byte %d", r, i))
		return
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			p.add(f, "required", "")
		} else {
			p.add(f, fmt.Sprintf("at least %d characters", min), fmt.Sprintf("%d", n))
		}
	}
	if max > 0 && n > max {
		p.add(f, fmt.Sprintf("at most %d characters", max), fmt.Sprintf("%d", n))
	}
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// quoteShort quotes a value for an error message: cleaned by
// safetext.Clean first, so that a cut cannot leave part of a personal
// number unmasked, then cut short.
func quoteShort(s string) string {
	s = safetext.Clean(s)
	if utf8.RuneCountInString(s) > maxValueInMessage {
		r := []rune(s)
		s = string(r[:maxValueInMessage]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
