package message

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each rule has a case that passes and one that breaks it; a breaking case
// names the field and a word of the rule that its error must carry.
func TestValidateRules(t *testing.T) {
	t.Parallel()
	type edit func(m *Message)
	tests := []struct {
		name      string
		ok, bad   edit
		field     string
		ruleWords string
	}{
		{"recipient required", nil, func(m *Message) { m.Recipient = "" }, "Recipient", "required"},
		{"recipient wire form", func(m *Message) { m.Recipient = testPerson2 }, func(m *Message) { m.Recipient = "5303231855" }, "Recipient", "12-digit"},
		{"recipient check digit", func(m *Message) { m.Recipient = "195303831852" }, func(m *Message) { m.Recipient = "195303231856" }, "Recipient", "check digit"},
		{"recipient may be an organisation", func(m *Message) { m.Recipient = RecipientID(testOrg) }, func(m *Message) { m.Recipient = "162021004749" }, "Recipient", "check digit"},
		{"subject required", nil, func(m *Message) { m.Subject = "  " }, "Subject", "required"},
		{"subject 255 characters", func(m *Message) { m.Subject = strings.Repeat("å", 255) }, func(m *Message) { m.Subject = strings.Repeat("å", 256) }, "Subject", "at most 255"},
		{"subject XML characters", nil, func(m *Message) { m.Subject = "bell\x07" }, "Subject", "XML cannot carry"},
		{"subject UTF-8", nil, func(m *Message) { m.Subject = "bad \xff" }, "Subject", "UTF-8"},
		{"support text required", nil, func(m *Message) { m.Support.Text = "" }, "Support.Text", "required"},
		{"support text 1024", func(m *Message) { m.Support.Text = strings.Repeat("x", 1024) }, func(m *Message) { m.Support.Text = strings.Repeat("x", 1025) }, "Support.Text", "at most 1024"},
		{"support URL 255", func(m *Message) { m.Support.URL = "https://a.example/" + strings.Repeat("p", 237) }, func(m *Message) { m.Support.URL = "https://a.example/" + strings.Repeat("p", 238) }, "Support.URL", "at most 255"},
		{"support URL absolute", func(m *Message) { m.Support.URL = "http://a.example" }, func(m *Message) { m.Support.URL = "/kontakt" }, "Support.URL", "absolute"},
		{"support phone 255", func(m *Message) { m.Support.Phone = strings.Repeat("1", 255) }, func(m *Message) { m.Support.Phone = strings.Repeat("1", 256) }, "Support.Phone", "at most 255"},
		{"support e-mail pattern", func(m *Message) { m.Support.Email = "a@b.c" }, func(m *Message) { m.Support.Email = "ab@cdef" }, "Support.Email", "pattern"},
		{"support e-mail length", func(m *Message) { m.Support.Email = strings.Repeat("a", 250) + "@b.cde" }, func(m *Message) { m.Support.Email = strings.Repeat("a", 251) + "@b.cde" }, "Support.Email", "5 to 256"},
		{"support e-mail minimum", nil, func(m *Message) { m.Support.Email = "a@b." }, "Support.Email", "5 to 256"},
		{"reference 50", func(m *Message) { m.Reference = strings.Repeat("r", 50) }, func(m *Message) { m.Reference = strings.Repeat("r", 51) }, "Reference", "at most 50"},
		{"language xs:language", func(m *Message) { m.Language = "sv-SE" }, func(m *Message) { m.Language = "sv_SE" }, "Language", "xs:language"},
		{"metadata tag required", func(m *Message) { m.Metadata = []Metadata{{Tag: "t", Value: ""}} }, func(m *Message) { m.Metadata = []Metadata{{Tag: "", Value: "v"}} }, "Metadata[0].Tag", "required"},
		{"body content type", func(m *Message) { m.Body.ContentType = ContentTypeHTML; m.Body.Text = "<p>x</p>" }, func(m *Message) { m.Body.ContentType = "text/markdown" }, "Body.ContentType", "text/plain or text/html"},
		{"body content type required", nil, func(m *Message) { m.Body.ContentType = "" }, "Body.ContentType", "required"},
		{"body text required", nil, func(m *Message) { m.Body.Text = " \n" }, "Body.Text", "required"},
		{"html closing tags", func(m *Message) { htmlBody(m, "<div><p>a</p><br><hr/></div>") }, func(m *Message) { htmlBody(m, "<div><p>a</div>") }, "Body.Text", "close"},
		{"html unclosed element", func(m *Message) { htmlBody(m, "<p>a</p>") }, func(m *Message) { htmlBody(m, "<p>a") }, "Body.Text", "never closed"},
		{"html stray end tag", nil, func(m *Message) { htmlBody(m, "a</p>") }, "Body.Text", "no start tag"},
		{"html script element", nil, func(m *Message) { htmlBody(m, "<p>a</p><script>alert(1)</script>") }, "Body.Text", "no scripts"},
		{"html event handler", nil, func(m *Message) { htmlBody(m, `<p onclick="x()">a</p>`) }, "Body.Text", "script"},
		{"html javascript URL", func(m *Message) { htmlBody(m, `<a href="https://a.example">a</a>`) }, func(m *Message) { htmlBody(m, `<a href="javascript:x()">a</a>`) }, "Body.Text", "javascript:"},
		{"html inline image", func(m *Message) { htmlBody(m, `<img src="data:image/png;base64,AAAA">`) }, func(m *Message) { htmlBody(m, `<img src="https://a.example/x.png">`) }, "Body.Text", "external images"},
		{"html cid image", func(m *Message) { htmlBody(m, `<img src="cid:logo">`) }, func(m *Message) { htmlBody(m, `<img srcset="data:a 1x, https://a.example/x.png 2x">`) }, "Body.Text", "external images"},
		{"html CSS image", func(m *Message) { htmlBody(m, `<p style="background:url(data:image/png;base64,AA)">a</p>`) }, func(m *Message) { htmlBody(m, `<p style="background:url('https://a.example/x.png')">a</p>`) }, "Body.Text", "external"},
		{"html style sheet", func(m *Message) { htmlBody(m, `<style>p{color:red}</style>`) }, func(m *Message) { htmlBody(m, `<style>@import "https://a.example/x.css";</style>`) }, "Body.Text", "external"},
		{"html iframe", nil, func(m *Message) { htmlBody(m, `<iframe src="data:x"></iframe>`) }, "Body.Text", "active content"},
		{"attachment content type", func(m *Message) { m.Attachments[0].ContentType = ContentTypeCalendar }, func(m *Message) { m.Attachments[0].ContentType = "image/png" }, "Attachments[0].ContentType", "must be one of"},
		{"attachment docx", func(m *Message) { m.Attachments[0].ContentType = ContentTypeDOCX }, func(m *Message) { m.Attachments[0].ContentType = "application/pdf; x=y" }, "Attachments[0].ContentType", "must be one of"},
		{"attachment filename required", nil, func(m *Message) { m.Attachments[0].Filename = "" }, "Attachments[0].Filename", "required"},
		{"attachment filename without directory", func(m *Message) { m.Attachments[0].Filename = "beslut 2026.pdf" }, func(m *Message) { m.Attachments[0].Filename = "../x.pdf" }, "Attachments[0].Filename", "without directories"},
		{"attachment filenames unique", func(m *Message) {
			m.Attachments = append(m.Attachments, Attachment{"b.pdf", ContentTypePDF, []byte("x")})
		}, func(m *Message) { m.Attachments = append(m.Attachments, m.Attachments[0]) }, "Attachments[1].Filename", "duplicates"},
		{"attachment data", nil, func(m *Message) { m.Attachments[0].Data = nil }, "Attachments[0].Data", "empty"},
		{"size 2 MB", func(m *Message) { m.Attachments[0].Data = bigAttachment(1_500_000) }, func(m *Message) { m.Attachments[0].Data = bigAttachment(1_600_000) }, "Message", "2 MB"},
		{"class valid", func(m *Message) { m.Class = securityclass.Class2 }, func(m *Message) { m.Class = 4 }, "Class", "1, 2 or 3"},
		{"class 1 has no attachments", func(m *Message) { m.Class = securityclass.Class1; m.Attachments = nil }, func(m *Message) { m.Class = securityclass.Class1 }, "Attachments", "not allowed in class 1"},
		{"notices only in class 1", func(m *Message) { class1(m); m.SMS = &SMSNotice{From: "Kommun", Text: "Nytt"} }, func(m *Message) { m.SMS = &SMSNotice{From: "Kommun", Text: "Nytt"} }, "SMS", "only for class 1"},
		{"SMS text 160", func(m *Message) { class1(m); m.SMS = &SMSNotice{From: "Kommun", Text: strings.Repeat("s", 160)} }, func(m *Message) { class1(m); m.SMS = &SMSNotice{From: "Kommun", Text: strings.Repeat("s", 161)} }, "SMS.Text", "at most 160"},
		{"SMS from 11", func(m *Message) { class1(m); m.SMS = &SMSNotice{From: "KommunenABC", Text: "x"} }, func(m *Message) { class1(m); m.SMS = &SMSNotice{From: "KommunenABCD", Text: "x"} }, "SMS.From", "at most 11"},
		{"e-mail subject 254", func(m *Message) {
			class1(m)
			m.Email = &EmailNotice{From: "a@b.se", Subject: strings.Repeat("e", 254), Text: "x"}
		}, func(m *Message) {
			class1(m)
			m.Email = &EmailNotice{From: "a@b.se", Subject: strings.Repeat("e", 255), Text: "x"}
		}, "Email.Subject", "at most 254"},
		{"e-mail from", nil, func(m *Message) { class1(m); m.Email = &EmailNotice{From: "nobody", Subject: "s", Text: "x"} }, "Email.From", "pattern"},
		{"official matter timestamp", func(m *Message) { m.OfficialMatter = &OfficialMatter{Timestamp: time.Now()} }, func(m *Message) { m.OfficialMatter = &OfficialMatter{EventID: "e"} }, "OfficialMatter.Timestamp", "required"},
		{"official matter status", func(m *Message) {
			m.OfficialMatter = &OfficialMatter{Timestamp: time.Now(), MatterStatus: MatterRecipientInitiative}
		}, func(m *Message) { m.OfficialMatter = &OfficialMatter{Timestamp: time.Now(), MatterStatus: "open"} }, "OfficialMatter.MatterStatus", "senderinitiative"},
		{"official matter id 255", func(m *Message) {
			m.OfficialMatter = &OfficialMatter{Timestamp: time.Now(), EventID: strings.Repeat("i", 255)}
		}, func(m *Message) {
			m.OfficialMatter = &OfficialMatter{Timestamp: time.Now(), EventID: strings.Repeat("i", 256)}
		}, "OfficialMatter.EventID", "at most 255"},
		{"ID length", func(m *Message) { m.ID = "" }, func(m *Message) { m.ID = strings.Repeat("i", 256) }, "ID", "at most 255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.ok != nil {
				m := validMessage()
				tt.ok(m)
				assert.NoError(t, m.Validate(), "passing case")
			}
			m := validMessage()
			tt.bad(m)
			err := m.Validate()
			require.Error(t, err, "breaking case")
			assert.ErrorIs(t, err, ErrInvalid)
			ve := findField(err, tt.field)
			require.NotNil(t, ve, "no error for field %s in: %v", tt.field, err)
			assert.Contains(t, ve.Error(), tt.ruleWords)
		})
	}
}

func htmlBody(m *Message, s string) { m.Body = Body{ContentType: ContentTypeHTML, Text: s} }

func class1(m *Message) { m.Class = securityclass.Class1; m.Attachments = nil }

func findField(err error, field string) *ValidationError {
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *ValidationError
		if errors.As(e, &ve) && ve.Field == field {
			return ve
		}
	}
	return nil
}

func TestValidateCollectsAllProblems(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Subject = ""
	m.Support.Text = ""
	m.Attachments[0].ContentType = "image/gif"
	err := m.Validate()
	require.Error(t, err)
	for _, f := range []string{"Subject", "Support.Text", "Attachments[0].ContentType"} {
		assert.NotNil(t, findField(err, f), f)
	}
}

func TestValidateSizeIsTooLarge(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Attachments[0].Data = bigAttachment(1_600_000)
	err := m.Validate()
	assert.ErrorIs(t, err, ErrTooLarge)
	// The limit is measured on the wire form: just under it passes.
	m.Attachments[0].Data = bigAttachment(MaxSecureMessage*3/4 - 2000)
	assert.NoError(t, m.Validate())
	assert.LessOrEqual(t, m.wireSize(), MaxSecureMessage)
}

func TestValidationErrorsDoNotLeakIdentity(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Recipient = "195303231856"
	err := m.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "195303231856")
	assert.Contains(t, err.Error(), "19530323****")
}

func TestDeliveryValidate(t *testing.T) {
	t.Parallel()
	a, b := validMessage(), validMessage()
	b.ID = NewID()
	require.NoError(t, NewDelivery(testSender(), a, b).Validate())

	b.Recipient = testPerson2
	err := NewDelivery(testSender(), a, b).Validate()
	assert.NotNil(t, findField(err, "Messages[1]"), "%v", err)

	err = NewDelivery(Sender{ID: "162021004749", Name: "K"}, validMessage()).Validate()
	assert.NotNil(t, findField(err, "Sender.ID"), "%v", err)
	assert.NotNil(t, findField(err, "Sender.Name"), "%v", err)

	c1 := validMessage()
	class1(c1)
	err = NewDelivery(testSender(), c1).Validate()
	assert.NotNil(t, findField(err, "Messages[0].Class"), "%v", err)

	bad := validMessage()
	bad.Subject = ""
	err = NewDelivery(testSender(), bad).Validate()
	assert.NotNil(t, findField(err, "Messages[0].Subject"), "%v", err)

	assert.NotNil(t, findField(NewDelivery(testSender()).Validate(), "Messages"))
}

func TestNotificationValidate(t *testing.T) {
	t.Parallel()
	m := validMessage()
	class1(m)
	require.NoError(t, (&Notification{Sender: testSender(), Message: m}).Validate())
	m3 := validMessage()
	err := (&Notification{Sender: testSender(), Message: m3}).Validate()
	assert.NotNil(t, findField(err, "Message.Class"), "%v", err)
}

func TestSetDefaults(t *testing.T) {
	t.Parallel()
	m := &Message{}
	m.SetDefaults()
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, m.ID)
	assert.Equal(t, "svSE", m.Language)
	assert.Equal(t, securityclass.Class3, m.Class)
	id := m.ID
	m.SetDefaults()
	assert.Equal(t, id, m.ID, "an existing ID is kept")
	assert.NotEqual(t, NewID(), NewID())
}
