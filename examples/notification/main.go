// Command notification sends a class-1 message — the least sensitive
// class, carried by the operator's notify operation — with the sender's own
// e-mail and SMS notices, through the embedded fake infrastructure, and
// prints which channels reached the recipient.
//
//	go run ./examples/notification
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "notification:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	infra, err := fakeinfra.New()
	if err != nil {
		return err
	}
	defer infra.Close()
	// This recipient gets notices by e-mail only.
	if err := infra.AddRecipient("195303231855", fakeinfra.Mailbox("minmyndighetspost"), fakeinfra.Reachable(false, true)); err != nil {
		return err
	}
	sender, err := mm.New(infra.SenderConfig())
	if err != nil {
		return err
	}
	m := &message.Message{
		Recipient: "195303231855",
		Class:     securityclass.Class1,
		Subject:   "Påminnelse: sophämtning flyttas",
		Body:      message.Body{ContentType: message.ContentTypeHTML, Text: "<p>Sophämtningen flyttas till <b>tisdag</b> nästa vecka.</p>"},
		Support:   message.SupportInfo{Text: "Frågor? Ring kommunens kontaktcenter.", URL: "https://kommun.example/sophamtning"},
		Email:     &message.EmailNotice{From: "noreply@kommun.example", Subject: "Nytt meddelande från Kommun A", Text: "Du har fått ett meddelande i din digitala brevlåda."},
		SMS:       &message.SMSNotice{From: "Kommun A", Text: "Du har fått ett meddelande i din digitala brevlåda."},
	}
	r, err := sender.Send(context.Background(), m)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %s via %s at %s, notified by %v\n", r.Recipient, r.State, r.Channel, r.Operator.Name, r.NotifiedBy)
	for _, n := range infra.Notifications() {
		fmt.Fprintf(out, "notice by %s: %q\n", n.Channel, n.Text)
	}
	return nil
}
