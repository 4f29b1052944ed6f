package main

import (
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// message builds the message from the flags.
func (f *sendFlags) message() (*message.Message, error) {
	if f.to == "" || f.subject == "" {
		return nil, errors.New("--to and --subject are required")
	}
	to, err := message.ParseRecipientID(f.to)
	if err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	class, err := securityclass.Parse(f.class)
	if err != nil {
		return nil, fmt.Errorf("--class: %w", err)
	}
	m := &message.Message{
		ID: f.id, Recipient: to, Subject: f.subject, Class: class,
		Support:   message.SupportInfo{Text: f.supportText, URL: f.supportURL, Phone: f.supportPhone, Email: f.supportEmail},
		Reference: f.reference, CorrelationID: f.correlation, Attention: f.attn,
	}
	bodies := 0
	for _, b := range []string{f.text, f.html, f.body} {
		if b != "" {
			bodies++
		}
	}
	if bodies != 1 {
		return nil, errors.New("give exactly one of --text, --html and --body")
	}
	switch {
	case f.text != "":
		m.Body = message.Body{ContentType: message.ContentTypePlain, Text: f.text}
	case f.html != "":
		b, err := os.ReadFile(f.html)
		if err != nil {
			return nil, fmt.Errorf("--html: %w", err)
		}
		m.Body = message.Body{ContentType: message.ContentTypeHTML, Text: string(b)}
	default:
		b, err := os.ReadFile(f.body)
		if err != nil {
			return nil, fmt.Errorf("--body: %w", err)
		}
		ct := message.ContentTypePlain
		if ext := strings.ToLower(filepath.Ext(f.body)); ext == ".html" || ext == ".htm" {
			ct = message.ContentTypeHTML
		}
		m.Body = message.Body{ContentType: ct, Text: string(b)}
	}
	for _, path := range f.attach {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--attach: %w", err)
		}
		m.Attachments = append(m.Attachments, message.Attachment{Filename: filepath.Base(path), ContentType: attachmentType(path), Data: data})
	}
	if f.smsFrom != "" || f.smsText != "" {
		m.SMS = &message.SMSNotice{From: f.smsFrom, Text: f.smsText}
	}
	if f.emailFrom != "" || f.emailSubj != "" || f.emailTx != "" {
		m.Email = &message.EmailNotice{From: f.emailFrom, Subject: f.emailSubj, Text: f.emailTx}
	}
	return m, nil
}

// attachmentType infers an attachment's content type from its extension;
// Validate refuses what the contracts do not allow.
func attachmentType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		return message.ContentTypePDF
	case ".doc":
		return message.ContentTypeMSWord
	case ".docx":
		return message.ContentTypeDOCX
	case ".dotx":
		return message.ContentTypeDOTX
	case ".ics":
		return message.ContentTypeCalendar
	}
	if t := mime.TypeByExtension(filepath.Ext(path)); t != "" {
		return t
	}
	return "application/octet-stream"
}
