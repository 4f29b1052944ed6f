// Package message is the model of what a sender sends through Mina
// meddelanden — messages, recipients' identities, support information,
// attachments, class-1 notifications — the rules the contracts set for them,
// and their wire form.
//
// Validate checks every rule of the XSD and the contract document before
// anything leaves the building, and reports all problems at once as
// *ValidationError values that name the field. ParseRecipientID reads the
// identity forms people write (YYMMDD-NNNN, YYYYMMDDNNNN, coordination and
// organisation numbers) and returns the 12-digit wire form, with the check
// digit verified.
//
// Line ends are folded before validation and signing: CRLF and a lone CR
// become LF in every text field (subject, support information, references,
// metadata, official-matter texts, notice texts, file names, the sender's
// name), because a carriage return in signed text is written &#xD; and the
// operators' parser reads it back as a line feed, which breaks the digest
// (SPEC §4). The body travels as base64 and attachments as bytes; neither is
// touched. The Message given is not modified: the fold happens as the text
// is written and measured.
//
// The wire form is written directly in its canonical, prefix-free shape
// (every element carries its own default xmlns where the namespace changes),
// which is the form the infrastructure signs: MarshalSignedDelivery gives the
// unsigned SignedDelivery document that package sign signs, and
// ParseSignedDelivery reads one back, prefixed or not.
//
//	to, err := message.ParseRecipientID("530323-1855")
//	m := &message.Message{
//		Recipient: to,
//		Subject:   "Beslut om bygglov",
//		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
//		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
//	}
//	m.SetDefaults()                 // ID (UUID v4), language svSE, class 3
//	if err := m.Validate(); err != nil { ... }
//	doc, err := message.NewDelivery(sender, m).MarshalSignedDelivery()
//
// Package message depends only on securityclass, safetext (which cleans
// the values its errors quote) and internal readers and writers of XML.
package message
