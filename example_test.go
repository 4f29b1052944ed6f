package mm_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"log"
	"os"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
	"github.com/avsandare/mm/sign"
)

// Sending through the fake infrastructure, as an agency's own tests do: one
// recipient has a digital mailbox, the other gets paper.
func Example() {
	infra, err := fakeinfra.New()
	if err != nil {
		panic(err)
	}
	defer infra.Close()
	infra.AddRecipient("530323-1855", fakeinfra.Mailbox("kivra"))
	infra.AddRecipient("198101052382", fakeinfra.NoMailbox())

	dir, _ := os.MkdirTemp("", "paper")
	defer os.RemoveAll(dir)
	paper, _ := paperdir.New(dir, paperdir.Config{})
	defer paper.Close()

	cfg := infra.SenderConfig()
	cfg.Paper = paper
	sender, err := mm.New(cfg)
	if err != nil {
		panic(err)
	}
	for _, to := range []message.RecipientID{"195303231855", "198101052382"} {
		r, err := sender.Send(context.Background(), &message.Message{
			Recipient: to,
			Subject:   "Beslut om bygglov",
			Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
			Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s %s%s%s\n", r.Recipient, r.Channel, r.State, prefixed(r.Operator.Name), prefixed(string(r.PaperReason)))
	}
	// Output:
	// 19530323**** digital delivered Kivra
	// 19810105**** paper paper no-mailbox
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

// ExampleSender_Send is the shortest real use, as the README shows it.
func ExampleSender_Send() {
	infra, _ := fakeinfra.New() // in production: the real endpoints and certificate, see New
	defer infra.Close()
	infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra"))

	sender, err := mm.New(infra.SenderConfig())
	if err != nil {
		panic(err)
	}
	r, err := sender.Send(context.Background(), &message.Message{
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring kommunens kontaktcenter, 08-123 45 67."},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Channel, r.State, r.Operator.Name)
	// Output: digital delivered Kivra
}

// ExampleSender_Check runs the preflight before a large mailing.
func ExampleSender_Check() {
	infra, _ := fakeinfra.New()
	defer infra.Close()
	sender, _ := mm.New(infra.SenderConfig())
	report, err := sender.Check(context.Background())
	fmt.Println(err == nil, report.OK(), len(report.Warnings))
	// Output: true true 0
}

// ExampleNew shows a production configuration: the agency's organisation
// certificate from its PKCS#12 file, the production endpoints, the
// infrastructure's CA from the connection agreement, and a folder the print
// provider collects paper mail from.
func ExampleNew() {
	p12, err := os.ReadFile("organisation.p12")
	if err != nil {
		log.Fatal(err)
	}
	signer, err := sign.LoadPKCS12(p12, os.Getenv("MM_P12_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	caPEM, err := os.ReadFile("infrastructure-ca.pem")
	if err != nil {
		log.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	paper, err := paperdir.New("/var/spool/mm-paper", paperdir.Config{})
	if err != nil {
		log.Fatal(err)
	}
	sender, err := mm.New(mm.Config{
		Sender: message.Sender{ID: signer.OrgNumber(), Name: "Kommun A"},
		Signer: signer,
		FaR:    far.Production(),
		Roots:  roots,
		Paper:  paper,
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := sender.Check(context.Background()); err != nil {
		log.Fatal(err)
	}
}
