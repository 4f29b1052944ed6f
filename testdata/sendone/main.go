// Command sendone sends one message and nothing else: the program whose
// size TestSendOnlyProgramSize measures, to show what a sender that
// imports only the root package links.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sendone certificate.p12 password")
		os.Exit(2)
	}
	p12, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	signer, err := sign.LoadPKCS12(p12, os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sender, err := mm.New(mm.Config{
		Sender: message.Sender{ID: signer.OrgNumber(), Name: "Kommun A"},
		Signer: signer,
		FaR:    far.Production(),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := sender.Send(context.Background(), &message.Message{
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(r.Channel, r.State)
}
