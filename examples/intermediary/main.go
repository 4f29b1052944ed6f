// Command intermediary shows an intermediary (förmedlare) sealing for two
// agencies. Each agency signs its own deliveries — in any system, any
// language — and hands over the signed documents; the intermediary
// verifies each signature, checks that it may act for that agency, seals
// and delivers. All through the embedded fake infrastructure.
//
//	go run ./examples/intermediary
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "intermediary:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	ctx := context.Background()
	infra, err := fakeinfra.New()
	if err != nil {
		return err
	}
	defer infra.Close()
	// Two agencies, and an intermediary the Authority register approves for
	// both.
	kommunA, kommunASigner := infra.Sender(), infra.SenderSigner()
	kommunB := message.Sender{ID: "165590030002", Name: "Kommun B"}
	kommunBSigner, err := infra.AddSender(string(kommunB.ID), kommunB.Name)
	if err != nil {
		return err
	}
	broker, err := infra.AddIntermediary("165566778899", "Förmedlare AB", kommunA.ID, kommunB.ID)
	if err != nil {
		return err
	}
	for _, who := range []string{"195303231855", "198101052382"} {
		if err := infra.AddRecipient(who, fakeinfra.Mailbox("kivra")); err != nil {
			return err
		}
	}

	// The intermediary's clients: FaR for addresses and the Authority
	// register, forward for sealing and delivering.
	httpClient, err := mm.NewHTTPClient(broker.TLSCertificate(), infra.Roots())
	if err != nil {
		return err
	}
	lookup, err := far.New(far.Config{Endpoints: infra.FaR(), HTTPClient: httpClient})
	if err != nil {
		return err
	}
	dispatchers, err := lookup.Dispatchers(ctx)
	if err != nil {
		return err
	}
	policy := map[message.OrgNumber][]message.OrgNumber{}
	for _, d := range dispatchers {
		policy[d.ID] = d.Senders
	}
	fwd, err := forward.New(forward.Config{
		Signer: broker, HTTPClient: httpClient, Roots: infra.Roots(),
		MayActFor: forward.DispatcherPolicy(policy),
		// The fake's operators listen on loopback, which the address
		// policy refuses unless allowed; a real deployment leaves this out.
		AllowLocalNetworks: infra.LocalNetworks(),
	})
	if err != nil {
		return err
	}

	jobs := []struct {
		sender message.Sender
		signer *sign.Signer
		to     message.RecipientID
	}{
		{kommunA, kommunASigner, "195303231855"},
		{kommunB, kommunBSigner, "198101052382"},
	}
	for _, j := range jobs {
		// The agency's side: sign the delivery with its own certificate.
		m := (&message.Message{
			Recipient: j.to,
			Subject:   "Faktura",
			Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Er faktura finns bifogad."},
			Support:   message.SupportInfo{Text: "Frågor om fakturan? Ring " + j.sender.Name + "."},
		}).SetDefaults()
		signed, err := j.signer.SignDelivery(message.NewDelivery(j.sender, m))
		if err != nil {
			return err
		}
		// The intermediary's side: where does it go, then verify, seal, deliver.
		answers, err := lookup.IsReachable(ctx, j.sender.ID, j.to)
		if err != nil {
			return err
		}
		d := answers[0].Decide()
		if !d.Digital {
			fmt.Fprintf(out, "%s: paper (%s)\n", j.to, d.Reason)
			continue
		}
		proof, err := fwd.DeliverSecure(ctx, *d.Operator, signed)
		if err != nil {
			return err
		}
		r := proof.Receipt
		fmt.Fprintf(out, "%s from %s: %s at %s\n", r.Recipient, j.sender.Name, r.State, r.Operator.Name)
	}
	for _, s := range infra.Deliveries() {
		fmt.Fprintf(out, "stored at %s: sender %s, signed by %s, sealed by %s\n", s.Operator, s.Sender.ID, s.SignedBy, s.SealedBy)
	}
	return nil
}
