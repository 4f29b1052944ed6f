package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/sign"
	"github.com/spf13/cobra"
)

func init() { register(newVerifyCommand) }

var verifyLong = `Verify checks the signatures of a delivery, in any form it travels in.

FILE (or - for standard input) is a delivery (SignedDelivery, SealedDelivery,
deliverSecure, a SOAP envelope, prefixed or not), or a proof bundle saved by
the SDK (mm-proof/1, read strictly: keys exactly as the format names them,
each once). A proof is valid when its receipt, request and answer agree, the
request has exactly one SOAP Body with one element, its signatures verify,
and the signed delivery's message, recipient and sender are the receipt's.

"valid" means the certificate chains were checked too. With
--insecure-skip-chain the result is "` + resultChainUnchecked + `",
never "valid": anyone can make a certificate.

With --json, one document:
  {"file", "valid", "result", "signatureValid", "chainChecked", "error",
   "notVerifiable", "operatorWouldRefuse": [{"message", "field", "rule",
   "found", "fault"}], "levels": [{"level", "orgNumber", "subject",
   "algorithm"}], "seal": {"receivedTime", "signaturesOk"}, "sender",
   "recipient", "messages": [ID...], "signedOnBehalf"}
"valid" is true only when everything was checked, chains included.` + exitSection(
	"0  valid",
	"1  invalid",
	"2  a wrong command line, or FILE or a --trust file cannot be read",
	"3  the output could not be written",
	"4  a proof of a class-1 notification, which is not verifiable: class 1 carries no signatures",
)

type verifyFlags struct {
	trust     []string
	at        string
	allowSHA1 bool
	skipChain bool
	asJSON    bool
}

func newVerifyCommand(e *env) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:     "verify [flags] FILE|-",
		Short:   "check the signatures of a delivery, in any form it travels in, or a proof bundle",
		Long:    verifyLong,
		Example: "  mm verify --trust ca.pem request.xml\n  mm verify proof.json --trust ca.pem --json",
		Args:    oneArg("the FILE to verify (- for standard input)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, e, args[0])
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.trust, "trust", nil, "PEM `FILE` of CA certificates to trust (repeatable; default: the system's roots)")
	fs.StringVar(&f.at, "at", "", "check certificates as of this `TIME` (RFC 3339), e.g. when the delivery was sent")
	fs.BoolVar(&f.allowSHA1, "allow-sha1", false, "accept rsa-sha1/sha1 signatures, which some operators still make")
	fs.BoolVar(&f.skipChain, "insecure-skip-chain", false, "do not check certificate chains and validity (inspection only): the result says \""+resultChainUnchecked+"\", never \"valid\"")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	_ = cmd.MarkFlagFilename("trust", "pem", "crt")
	return cmd
}

func (f *verifyFlags) run(cmd *cobra.Command, e *env, name string) error {
	stdout := e.stdout
	opts := sign.VerifyOptions{AllowSHA1: f.allowSHA1, InsecureSkipChain: f.skipChain}
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return usagef("--at %q is not an RFC 3339 time, like 2026-11-26T10:00:00+01:00", f.at)
		}
		opts.At = t
	}
	roots, err := loadRoots("--trust", f.trust)
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	opts.Roots = roots

	doc, err := readInput(name, e.stdin)
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	if isProof(doc) {
		return status(verifyProof(stdout, e.stderr, name, doc, opts, f.asJSON))
	}
	v, verr := sign.Verify(doc, opts)
	if f.asJSON {
		return status(printVerifyJSON(stdout, e.stderr, name, v, verr, f.skipChain))
	}
	if verr != nil {
		fmt.Fprintf(stdout, "%s: INVALID\n  %v\n", name, verr)
		if errors.Is(verr, sign.ErrUntrustedCertificate) && len(f.trust) == 0 {
			fmt.Fprintln(stdout, "  (no --trust given: only the system's roots were trusted)")
		}
		return exitStatus(exitFailed)
	}
	fmt.Fprintf(stdout, "%s: %s\n", name, verdict(f.skipChain))
	for _, l := range v.Levels {
		fmt.Fprintf(stdout, "  %-6s signed by %s  %s  (%s)\n", l.Name, orgOrNone(l.Signer.OrgNumber), l.Signer.Subject, algoLabel(l))
	}
	if v.Seal != nil {
		fmt.Fprintf(stdout, "  seal   received %s, signatures OK: %t\n", v.Seal.ReceivedTime.Format("2006-01-02"), v.Seal.SignaturesOK)
	}
	d := v.Delivery
	fmt.Fprintf(stdout, "  delivery from %s %q to %s, %d message(s)\n", d.Sender.ID, safetext.Clean(d.Sender.Name), d.Messages[0].Recipient, len(d.Messages))
	for _, m := range d.Messages {
		fmt.Fprintf(stdout, "    message %s, %d attachment(s)\n", safetext.Clean(m.ID), len(m.Attachments))
	}
	for _, r := range operatorRefusals(d) {
		fmt.Fprintf(stdout, "  operators would refuse it: %s\n", r)
	}
	if !v.SignerIsSender {
		fmt.Fprintln(stdout, "  note: the sender-level signer is not the delivery's sender; it must be an intermediary allowed to sign for it")
	}
	return nil
}

// isProof tells a proof bundle (JSON) from an XML document.
func isProof(doc []byte) bool {
	t := bytes.TrimLeft(doc, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// verifyProof checks a proof bundle: the receipt, the request and the
// answer agree, the request's signatures verify, and the signed delivery
// is the receipt's. A class-1 bundle is reported as not verifiable.
func verifyProof(stdout, stderr io.Writer, name string, doc []byte, opts sign.VerifyOptions, asJSON bool) int {
	p, err := receipt.ReadProof(bytes.NewReader(doc))
	var v *sign.Verified
	if err == nil {
		v, err = p.Verify(opts)
	}
	if errors.Is(err, receipt.ErrNotVerifiable) {
		if asJSON {
			return printJSON(stdout, stderr, verifyJSON{File: name, Result: err.Error(), Error: err.Error(), NotVerifiable: true}, exitNotVerifiable)
		}
		fmt.Fprintf(stdout, "%s: %v\n  the bundle is consistent, but a notification is sent unsigned: anyone could have made it\n", name, err)
		return exitNotVerifiable
	}
	if asJSON {
		return printVerifyJSON(stdout, stderr, name, v, err, opts.InsecureSkipChain)
	}
	if err != nil {
		fmt.Fprintf(stdout, "%s: INVALID proof\n  %v\n", name, err)
		return exitFailed
	}
	r := p.Receipt
	result := "valid proof"
	if opts.InsecureSkipChain {
		result = "proof consistent, " + resultChainUnchecked
	}
	// A bundle's receipt is a file anyone may have written: its texts are
	// cleaned before they reach the terminal.
	fmt.Fprintf(stdout, "%s: %s\n  message %s to %s: %s via %s", name, result, safetext.Clean(r.MessageID), r.Recipient.Masked(), r.State, r.Channel)
	if r.Operator.Name != "" {
		fmt.Fprintf(stdout, " at %s (%s), transaction %s", safetext.Clean(r.Operator.Name), r.Operator.ID, safetext.Clean(r.TransID))
	}
	fmt.Fprintf(stdout, ", %s\n  request SHA-256 %s matches the receipt; the signed delivery is the receipt's message, recipient and sender\n", r.At.Format(time.RFC3339), r.SealedSHA256)
	if r.Operator.ID != "" {
		fmt.Fprintln(stdout, "  operator: as the receipt names it (neither the request nor the answer names the operator)")
	}
	for _, l := range v.Levels {
		fmt.Fprintf(stdout, "  %-6s signed by %s  %s  (%s)\n", l.Name, orgOrNone(l.Signer.OrgNumber), l.Signer.Subject, algoLabel(l))
	}
	return exitOK
}

func orgOrNone(o fmt.Stringer) string {
	if s := o.String(); s != "" {
		return s
	}
	return "(no organisation number)"
}

func algoLabel(l sign.Level) string {
	switch l.SignatureAlgorithm {
	case sign.AlgRSASHA256:
		return "rsa-sha256"
	case sign.AlgECDSASHA256:
		return "ecdsa-sha256"
	case sign.AlgRSASHA1:
		return "rsa-sha1, allowed by --allow-sha1"
	}
	return l.SignatureAlgorithm
}

// verifyJSON is mm verify's JSON. Valid is true only when everything was
// checked, certificate chains included; with --insecure-skip-chain it is
// false, SignatureValid says whether the signatures match their
// certificates, ChainChecked is false and Result says so in words. A
// class-1 proof is neither valid nor invalid: NotVerifiable.
type verifyJSON struct {
	File           string `json:"file"`
	Valid          bool   `json:"valid"`
	Result         string `json:"result"`
	SignatureValid bool   `json:"signatureValid"`
	ChainChecked   bool   `json:"chainChecked"`
	Error          string `json:"error,omitempty"`
	// NotVerifiable marks a proof of a class-1 notification (exit status
	// 4): consistent, but it carries no signatures.
	NotVerifiable bool `json:"notVerifiable,omitempty"`
	// OperatorWouldRefuse lists the rules a delivery with valid signatures
	// breaks that make an operator refuse it (the 2 MB limit).
	OperatorWouldRefuse []refusal   `json:"operatorWouldRefuse,omitempty"`
	Levels              []levelJSON `json:"levels,omitempty"`
	Seal                *sealJSON   `json:"seal,omitempty"`
	Sender              string      `json:"sender,omitempty"`
	Recipient           string      `json:"recipient,omitempty"`
	Messages            []string    `json:"messages,omitempty"`
	OnBehalf            bool        `json:"signedOnBehalf,omitempty"`
}

type levelJSON struct {
	Level     string `json:"level"`
	OrgNumber string `json:"orgNumber"`
	Subject   string `json:"subject"`
	Algorithm string `json:"algorithm"`
}

type sealJSON struct {
	ReceivedTime string `json:"receivedTime"`
	SignaturesOK bool   `json:"signaturesOk"`
}

func printVerifyJSON(stdout, stderr io.Writer, name string, v *sign.Verified, verr error, skipChain bool) int {
	out := verifyJSON{File: name, Valid: verr == nil && !skipChain, Result: resultInvalid, SignatureValid: verr == nil, ChainChecked: !skipChain}
	if verr != nil {
		out.Error = verr.Error()
	} else {
		out.Result = verdict(skipChain)
	}
	if verr == nil && v != nil { // nil for a class-1 proof, which has no signatures
		out.OperatorWouldRefuse = operatorRefusals(v.Delivery)
		for _, l := range v.Levels {
			out.Levels = append(out.Levels, levelJSON{string(l.Name), string(l.Signer.OrgNumber), l.Signer.Subject, l.SignatureAlgorithm})
		}
		if v.Seal != nil {
			out.Seal = &sealJSON{v.Seal.ReceivedTime.Format("2006-01-02"), v.Seal.SignaturesOK}
		}
		out.Sender = string(v.Delivery.Sender.ID)
		out.Recipient = v.Delivery.Messages[0].Recipient.Masked()
		for _, m := range v.Delivery.Messages {
			out.Messages = append(out.Messages, m.ID)
		}
		out.OnBehalf = !v.SignerIsSender
	}
	code := exitOK
	if verr != nil {
		code = exitFailed
	}
	return printJSON(stdout, stderr, out, code)
}

// printJSON writes out and returns code, or exitTrouble if it cannot.
func printJSON(stdout, stderr io.Writer, out verifyJSON, code int) int {
	if err := writeJSON(stdout, out); err != nil {
		fmt.Fprintln(stderr, "mm verify:", err)
		return exitTrouble
	}
	return code
}

// loadRoots reads the trusted CA certificates, or the system's without any.
func loadRoots(flag string, files []string) (*x509.CertPool, error) {
	if len(files) == 0 {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return x509.NewCertPool(), nil
		}
		return pool, nil
	}
	pool := x509.NewCertPool()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		certs, err := sign.ParseCertificatesPEM(b)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, f, err)
		}
		if len(certs) == 0 {
			return nil, fmt.Errorf("%s %s: no CERTIFICATE in the file", flag, f)
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	return pool, nil
}

// readInput reads a file, or standard input for "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	const max = 64 << 20
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if len(b) > max {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, max>>20)
	}
	return b, nil
}
