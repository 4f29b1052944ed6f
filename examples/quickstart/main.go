// Command quickstart shows the SDK's first steps: it reads a recipient's
// identity as people write it, builds and validates a class-3 message, and
// prints the prefix-free SignedDelivery document the infrastructure signs.
//
//	go run ./examples/quickstart
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/avsandare/mm/message"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	to, err := message.ParseRecipientID("530323-1855") // a test personal number
	if err != nil {
		return err
	}
	sender := message.Sender{ID: "162021004748", Name: "Kommun A"}
	m := &message.Message{
		Recipient: to,
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring kommunens kontaktcenter.", Email: "kontakt@kommun.example"},
	}
	m.SetDefaults()
	fmt.Printf("message %s to %s (%s), %s\n", m.ID, to, to.Kind(), m.Class)

	bad := *m
	bad.Support.Text = ""
	bad.Attachments = []message.Attachment{{Filename: "x.png", ContentType: "image/png", Data: []byte{1}}}
	var ve *message.ValidationError
	if err := bad.Validate(); errors.As(err, &ve) {
		fmt.Printf("an invalid copy is refused before anything is sent:\n%v\n", err)
	}

	doc, err := message.NewDelivery(sender, m).MarshalSignedDelivery()
	if err != nil {
		return err
	}
	fmt.Printf("unsigned SignedDelivery (%d bytes):\n%s\n", len(doc), doc)
	return nil
}
