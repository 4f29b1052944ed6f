package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/securityclass"
)

// writeRequest writes the exact SOAP request a send would make, contacting
// nothing.
func (f *sendFlags) writeRequest(stdout, stderr io.Writer, cfg sdk.Config, m *message.Message) int {
	var req []byte
	var err error
	if m.Class.Operation() == securityclass.OpNotify {
		req, err = forward.NotifyRequest(&message.Notification{Sender: cfg.Sender, Message: m})
	} else {
		sealer := cfg.Intermediary
		if sealer == nil {
			sealer = cfg.Signer
		}
		req, err = forward.DeliverSecureRequest(message.NewDelivery(cfg.Sender, m), cfg.Signer, sealer, time.Now())
	}
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitFailed
	}
	if err := writeFile(f.out, req, 0o600); err != nil {
		fmt.Fprintln(stderr, "mm send: --out:", err)
		return exitTrouble
	}
	sum := sha256.Sum256(req)
	fmt.Fprintf(stdout, "dry run: message %s to %s, %s, request of %d bytes written to %s (SHA-256 %s); nothing was sent\n",
		m.ID, m.Recipient, m.Class.OrDefault(), len(req), f.out, hex.EncodeToString(sum[:]))
	if f.shared.infra == nil || m.Class.Operation() == securityclass.OpNotify {
		return exitOK
	}
	// Signed by the fake's Kommun A: its CA, which lives only as long as
	// this command, goes next to the request so that it can be checked.
	ca := caPathFor(f.out)
	if err := writeFile(ca, f.shared.infra.CAPEM(), 0o644); err != nil {
		fmt.Fprintln(stderr, "mm send: the fake's CA:", err)
		return exitTrouble
	}
	fmt.Fprintf(stdout, "signed by the fake's CA, written to %s; check the request with:\n  mm verify --trust %s %s\n", ca, shellQuote(ca), shellQuote(f.out))
	return exitOK
}

// caPathFor is where a dry run with --fake writes the fake's CA: next to
// the request, "req.xml" giving "req-ca.pem".
func caPathFor(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + "-ca.pem"
}

func printReceipt(w io.Writer, r *receipt.Receipt, asJSON bool) {
	if r == nil {
		return
	}
	if asJSON {
		b, _ := json.MarshalIndent(r, "", "  ") // a valid receipt always encodes
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	// Every text of a receipt may come from outside (an operator, FaR):
	// cleaned before it reaches the terminal.
	clean := safetext.Clean
	fmt.Fprintf(w, "message %s to %s: %s via %s", clean(r.MessageID), r.Recipient, r.State, r.Channel)
	if r.Operator.Name != "" {
		fmt.Fprintf(w, " at %s (%s)", clean(r.Operator.Name), clean(string(r.Operator.ID)))
	}
	if r.TransID != "" {
		fmt.Fprintf(w, ", transaction %s", clean(r.TransID))
	}
	if r.PaperReason != "" {
		fmt.Fprintf(w, ", because %s", clean(r.PaperReason.String()))
	}
	if len(r.NotifiedBy) > 0 {
		fmt.Fprintf(w, ", notified by %s", clean(strings.Join(r.NotifiedBy, " and ")))
	}
	if r.Problem != "" {
		fmt.Fprintf(w, "\n  %s", clean(r.Problem))
	}
	fmt.Fprintln(w)
}

// writeProof writes a proof bundle, which holds the recipient's number
// and the message: private, as writeFile writes.
func writeProof(path string, p *receipt.Proof) error {
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		return err
	}
	return writeFile(path, b.Bytes(), 0o600)
}
