package testmsg

import (
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// Test personal numbers: valid check digits and dates, no real people.
const (
	Alice = "195303231855"
	Bob   = "198101052382"
	Carl  = "199001012385"
	Dora  = "200001012384"
)

// New returns a class-3 message to the recipient to, with a plain-text
// body, support text and one small PDF attachment. Its defaults (ID,
// class, language) are not set yet: tests that need them call SetDefaults.
func New(to string) *message.Message {
	return &message.Message{
		Recipient: message.RecipientID(to),
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
		Attachments: []message.Attachment{
			{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 beslut")},
		},
	}
}

// Class1 returns New's message as class 1, without attachments and with
// the sender's own SMS and e-mail notices.
func Class1(to string) *message.Message {
	m := New(to)
	m.Class, m.Attachments = securityclass.Class1, nil
	m.SMS = &message.SMSNotice{From: "Kommun A", Text: "Du har fått ett meddelande."}
	m.Email = &message.EmailNotice{From: "noreply@kommun.example", Subject: "Nytt meddelande", Text: "Du har fått ett meddelande."}
	return m
}
