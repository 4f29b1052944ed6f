// Command verify checks a saved proof bundle: the receipt, the exact
// request that was sent and the operator's answer still agree, and the
// request's signatures — the sender's and the seal — verify. Given a proof
// file and the CA to trust, it checks that; without arguments it makes a
// delivery through the embedded fake infrastructure, saves its proof, and
// checks the saved file.
//
//	go run ./examples/verify [PROOF.json CA.pem]
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	switch len(args) {
	case 2:
		return check(args[0], args[1], out)
	case 0:
		dir, err := os.MkdirTemp("", "mm-verify-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		proofFile, caFile, err := deliverAndSave(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "saved a proof to %s\n", filepath.Base(proofFile))
		return check(proofFile, caFile, out)
	}
	return errors.New("usage: verify [PROOF.json CA.pem]")
}

// check reads a proof bundle and checks it, then the signatures of its
// request against the CA.
func check(proofFile, caFile string, out io.Writer) error {
	f, err := os.Open(proofFile)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := receipt.ReadProof(f)
	if err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return fmt.Errorf("the proof does not hold together: %w", err)
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return fmt.Errorf("%s holds no certificate", caFile)
	}
	// Check the certificates as of the delivery, not today: a proof is read
	// long after its certificates expire.
	v, err := sign.Verify(p.Request, sign.VerifyOptions{Roots: roots, At: p.At})
	if err != nil {
		return fmt.Errorf("the request's signatures: %w", err)
	}
	r := p.Receipt
	fmt.Fprintf(out, "message %s to %s: %s at %s, transaction %s\n", r.MessageID, r.Recipient, r.State, r.Operator.Name, r.TransID)
	for _, l := range v.Levels {
		fmt.Fprintf(out, "  %s signature by %s: valid\n", l.Name, l.Signer.OrgNumber)
	}
	return nil
}

// deliverAndSave sends one message through the fake and saves its proof and
// the fake's CA in dir.
func deliverAndSave(dir string) (proofFile, caFile string, err error) {
	infra, err := fakeinfra.New()
	if err != nil {
		return "", "", err
	}
	defer infra.Close()
	if err := infra.AddRecipient("195303231855", fakeinfra.Mailbox("billo")); err != nil {
		return "", "", err
	}
	var saved bytes.Buffer
	cfg := infra.SenderConfig()
	cfg.OnProof = func(p *receipt.Proof) error { _, err := p.WriteTo(&saved); return err }
	sender, err := mm.New(cfg)
	if err != nil {
		return "", "", err
	}
	_, err = sender.Send(context.Background(), &message.Message{
		Recipient: "195303231855",
		Subject:   "Årsbesked",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt årsbesked för 2026."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
	})
	if err != nil {
		return "", "", err
	}
	proofFile, caFile = filepath.Join(dir, "proof.json"), filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(proofFile, saved.Bytes(), 0o600); err != nil {
		return "", "", err
	}
	return proofFile, caFile, os.WriteFile(caFile, infra.CAPEM(), 0o600)
}
