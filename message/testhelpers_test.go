package message

import (
	"bytes"
	"time"
)

// Test identities: 195303231855 and 198101052382 are test personal numbers,
// 162021004748 a test organisation number; none belongs to anyone.
const (
	testPerson  RecipientID = "195303231855"
	testPerson2 RecipientID = "198101052382"
	testOrg     OrgNumber   = "162021004748"
)

func testSender() Sender { return Sender{ID: testOrg, Name: "Kommun A"} }

// validMessage returns a class-3 message that passes every rule.
func validMessage() *Message {
	return &Message{
		ID:        "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",
		Recipient: testPerson,
		Subject:   "Beslut om bygglov",
		Body:      Body{ContentType: ContentTypePlain, Text: "Hej! Ditt bygglov är beviljat & klart <nu>.\r\nMvh"},
		Support: SupportInfo{
			Text:  "Frågor? Ring kommunens kontaktcenter.",
			URL:   "https://kommun.example/kontakt",
			Phone: "+46 8 123 45 67",
			Email: "kontakt@kommun.example",
		},
		Reference:     "KST-4711",
		CorrelationID: "ärende-2026-17",
		Attention:     "Bygglovsenheten",
		Language:      "svSE",
		Metadata:      []Metadata{{Tag: "dnr", Value: "BN 2026/17"}},
		Attachments: []Attachment{
			{Filename: "beslut.pdf", ContentType: ContentTypePDF, Data: []byte("%PDF-1.7 test")},
		},
	}
}

func richMessage() *Message {
	m := validMessage()
	m.OfficialMatter = &OfficialMatter{
		Timestamp:        time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		EventID:          "ev-1",
		OfficialMatterID: "om-1",
		PrecedingEventID: "ev-0",
		MatterSubject:    "Bygglov",
		EventType:        "beslut",
		MatterStatus:     MatterClosed,
	}
	m.Body = Body{ContentType: ContentTypeHTML, Text: `<html><body><p>Hej <b>du</b></p><img src="data:image/png;base64,AAAA"/><br></body></html>`}
	return m
}

func bigAttachment(n int) []byte {
	return bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
}
