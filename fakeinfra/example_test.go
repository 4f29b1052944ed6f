package fakeinfra_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
)

// Start a fake, register two recipients, and connect the SDK's own clients
// through their normal configuration: look the recipients up in FaR, sign
// and seal a message for the one with a mailbox, deliver it through a
// fault the fake injects, and see what the operator stored.
func Example() {
	infra, err := fakeinfra.New()
	if err != nil {
		log.Fatal(err)
	}
	defer infra.Close()
	infra.AddRecipient("19530323-1855", fakeinfra.Mailbox("kivra"))
	infra.AddRecipient("198101052382", fakeinfra.NoMailbox())
	// Kivra answers the first call with a technical fault, which the SOAP
	// client retries.
	infra.Inject(fakeinfra.OperatorFault("kivra", 1000), fakeinfra.Times(1))

	signer := infra.SenderSigner()
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: signer.TLSCertificate(), Roots: infra.Roots()})
	if err != nil {
		log.Fatal(err)
	}
	lookup, err := far.New(far.Config{Endpoints: infra.FaR(), HTTPClient: hc})
	if err != nil {
		log.Fatal(err)
	}
	calls, err := soap.New(soap.Config{HTTPClient: hc, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	answers, err := lookup.IsReachable(ctx, infra.Sender().ID, "195303231855", "198101052382")
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range answers {
		d := a.Decide()
		if !d.Digital {
			fmt.Printf("%s: paper, %s\n", a.Recipient.Masked(), d.Reason)
			continue
		}
		m := (&message.Message{
			ID:        "0b6f3c1e-5d2a-4c8e-9f1b-7a3d2e4c6b8a",
			Recipient: a.Recipient,
			Subject:   "Beslut om bygglov",
			Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
			Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
		}).SetDefaults()
		signed, err := signer.SignDelivery(message.NewDelivery(infra.Sender(), m))
		if err != nil {
			log.Fatal(err)
		}
		sealed, err := signer.Seal(signed, time.Now())
		if err != nil {
			log.Fatal(err)
		}
		request, err := sign.DeliverSecureRequest(sealed)
		if err != nil {
			log.Fatal(err)
		}
		resp, err := calls.Call(ctx, d.Operator.ServiceAddress, request)
		if err != nil {
			log.Fatal(err)
		}
		p, err := soap.ReadResponse(resp.Body)
		if err != nil {
			log.Fatal(err)
		}
		res, err := receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: digital at %s, delivered %t after %d attempts\n", a.Recipient.Masked(), d.Operator.Name, res.Statuses[0].Delivered, resp.Attempts)
	}

	for _, s := range infra.Mailbox("530323-1855") {
		fmt.Printf("%s stored %q from %s, signed by %s\n", s.Operator, s.Message.Subject, s.Sender.Name, s.SignedBy)
	}
	for _, n := range infra.Notifications() {
		fmt.Printf("%s notice: %s\n", n.Channel, n.Text)
	}
	// Output:
	// 19530323****: digital at Kivra, delivered true after 2 attempts
	// 19810105****: paper, the recipient has no digital mailbox
	// kivra stored "Beslut om bygglov" from Kommun A, signed by 162021004748
	// EMail notice: Du har fått ett nytt meddelande i din digitala brevlåda.
	// SMS notice: Du har fått ett nytt meddelande i din digitala brevlåda.
}
