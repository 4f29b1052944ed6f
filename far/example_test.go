package far_test

import (
	"context"
	"fmt"
	"log"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
)

// The client connects to the fake infrastructure through its normal
// configuration: endpoints, and an HTTP client presenting the sender's
// organisation certificate.
func Example() {
	infra, err := fakeinfra.New()
	if err != nil {
		log.Fatal(err)
	}
	defer infra.Close()
	_ = infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra"))
	_ = infra.AddRecipient("198101052382", fakeinfra.NoMailbox())
	_ = infra.AddRecipient("199001012385", fakeinfra.Mailbox("billo"), fakeinfra.Rejects("162021004748"))

	client, err := far.New(far.Config{Endpoints: infra.FaR(), HTTPClient: infra.HTTPClient()})
	if err != nil {
		log.Fatal(err)
	}
	answers, err := client.IsReachable(context.Background(), "162021004748", "195303231855", "198101052382", "199001012385")
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range answers {
		if d := a.Decide(); d.Digital {
			fmt.Printf("%s: digitally, to %s\n", a.Recipient, d.Operator.Name)
		} else {
			fmt.Printf("%s: on paper, %s\n", a.Recipient, d.Reason)
		}
	}
	// Output:
	// 19530323****: digitally, to Kivra
	// 19810105****: on paper, the recipient has no digital mailbox
	// 19900101****: on paper, the recipient does not accept digital mail from this sender
}
