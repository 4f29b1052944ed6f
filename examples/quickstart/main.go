// Command quickstart sends two messages through the fake infrastructure
// embedded in the SDK: one to a recipient with a digital mailbox, one to a
// recipient without, whose letter lands in a paper folder. It prints both
// receipts. Nothing leaves the machine; no certificates are needed.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	// The fake infrastructure: FaR and four mailbox operators over mutual
	// TLS, with a test CA and an organisation certificate for "Kommun A".
	infra, err := fakeinfra.New()
	if err != nil {
		return err
	}
	defer infra.Close()
	if err := infra.AddRecipient("530323-1855", fakeinfra.Mailbox("kivra")); err != nil {
		return err
	}
	if err := infra.AddRecipient("810105-2382", fakeinfra.NoMailbox()); err != nil {
		return err
	}

	// Letters for recipients without a mailbox go to a folder a print
	// provider would collect.
	dir, err := os.MkdirTemp("", "mm-quickstart-paper-")
	if err != nil {
		return err
	}
	paper, err := paperdir.New(dir, paperdir.Config{})
	if err != nil {
		return err
	}
	defer paper.Close()

	cfg := infra.SenderConfig() // endpoints, CA, certificate of Kommun A
	cfg.Paper = paper
	sender, err := mm.New(cfg)
	if err != nil {
		return err
	}

	for _, who := range []string{"530323-1855", "810105-2382"} {
		to, err := message.ParseRecipientID(who)
		if err != nil {
			return err
		}
		m := &message.Message{
			Recipient: to,
			Subject:   "Beslut om bygglov",
			Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Hej! Ditt bygglov är beviljat. Beslutet finns bifogat."},
			Support:   message.SupportInfo{Text: "Frågor? Ring kommunens kontaktcenter.", Phone: "08-123 45 67", Email: "kontakt@kommun.example"},
			Attachments: []message.Attachment{
				{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 (a decision)")},
			},
		}
		r, err := sender.Send(context.Background(), m)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(r, "", "  ") // personal numbers masked
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "receipt for %s (%s):\n%s\n", to, r.Channel, b)
	}
	fmt.Fprintf(out, "the operator's mailbox holds %d message(s); the paper folder is %s\n", len(infra.Deliveries()), dir)
	return nil
}
