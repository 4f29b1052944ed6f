package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/securityclass"
)

func init() {
	register("send", "send a message: digitally, as a class-1 notification, or by paper", runSend)
}

// demoRecipients are the recipients "mm send --fake" sets up.
var demoRecipients = []struct {
	id, about string
	opts      []fakeinfra.RecipientOption
}{
	{"195303231855", "mailbox at Kivra", []fakeinfra.RecipientOption{fakeinfra.Mailbox("kivra")}},
	{"198101052382", "no mailbox: goes by paper", []fakeinfra.RecipientOption{fakeinfra.NoMailbox()}},
	{"199001012385", "mailbox at Billo, but turns the sender away: paper", []fakeinfra.RecipientOption{fakeinfra.Mailbox("billo"), fakeinfra.Rejects(fakeinfra.DefaultSenderOrg)}},
	{"200001012384", "mailbox at Fortnox, registration pending: paper", []fakeinfra.RecipientOption{fakeinfra.Mailbox("fortnox"), fakeinfra.Pending()}},
	{"162021004748", "an organisation with a mailbox at Min myndighetspost", []fakeinfra.RecipientOption{fakeinfra.Mailbox("minmyndighetspost")}},
}

type sendFlags struct {
	conn                          connFlags
	to, subject, text, html, body string
	attach                        multiFlag
	class, id                     string
	supportText, supportURL       string
	supportPhone, supportEmail    string
	reference, correlation, attn  string
	smsFrom, smsText              string
	emailFrom, emailSubj, emailTx string
	paperDir, out, proof          string
	asJSON, dryRun, fake          bool
	batch                         batchFlags
}

func runSend(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f sendFlags
	synopsis := "--to ID --subject S (--text T | --html FILE | --body FILE) [--attach FILE]... [--class 1|2|3]\n" +
		"       or: --batch SOURCE.jsonl [--journal FILE] [--resume] [--rate N] [--operator-rate N] [--mailing NAME]\n" +
		"       [--support-text T --support-url U --support-phone P --support-email E] [--paper-dir DIR] [--json]\n" +
		"       [--dry-run --out FILE] [--fake] [connection flags]\n\n" +
		"With --fake, an in-process fake infrastructure is started with these demo recipients:\n"
	for _, r := range demoRecipients {
		synopsis += fmt.Sprintf("  %s  %s\n", r.id, r.about)
	}
	synopsis += "--fake --dry-run signs with the fake's certificate for Kommun A, so it needs no certificate files.\n" +
		"SIGINT (Ctrl-C) or SIGTERM stops mm send within a second, whatever it is doing; a stopped --batch\n" +
		"resumes with --resume, sending nothing twice."
	fs := newFlagSet("send", synopsis, stderr)
	f.conn.register(fs)
	fs.StringVar(&f.to, "to", "", "the recipient: personal, coordination or organisation number, in any usual form")
	fs.StringVar(&f.subject, "subject", "", "the subject (at most 255 characters)")
	fs.StringVar(&f.text, "text", "", "the body as plain text")
	fs.StringVar(&f.html, "html", "", "a file holding the body as HTML")
	fs.StringVar(&f.body, "body", "", "a file holding the body (.html is HTML, anything else plain text)")
	fs.Var(&f.attach, "attach", "a file to attach (repeatable): .pdf .doc .docx .dotx .ics")
	fs.StringVar(&f.class, "class", "3", "protection class 1, 2 or 3")
	fs.StringVar(&f.id, "id", "", "the message ID (default: a new UUID); a retry must reuse it")
	fs.StringVar(&f.supportText, "support-text", "", "where the recipient turns with questions (required)")
	fs.StringVar(&f.supportURL, "support-url", "", "support web address")
	fs.StringVar(&f.supportPhone, "support-phone", "", "support phone number")
	fs.StringVar(&f.supportEmail, "support-email", "", "support e-mail address")
	fs.StringVar(&f.reference, "reference", "", "the sender's cost reference (at most 50 characters)")
	fs.StringVar(&f.correlation, "correlation-id", "", "a reference to the matter at the sender")
	fs.StringVar(&f.attn, "attention", "", "a sub-address at the recipient")
	fs.StringVar(&f.smsFrom, "sms-from", "", "class 1: the SMS notice's sender (at most 11 characters)")
	fs.StringVar(&f.smsText, "sms-text", "", "class 1: the SMS notice (at most 160 characters)")
	fs.StringVar(&f.emailFrom, "email-from", "", "class 1: the e-mail notice's sender address")
	fs.StringVar(&f.emailSubj, "email-subject", "", "class 1: the e-mail notice's subject")
	fs.StringVar(&f.emailTx, "email-text", "", "class 1: the e-mail notice's text")
	fs.StringVar(&f.paperDir, "paper-dir", "", "a folder for paper mail, as a print provider collects it")
	fs.StringVar(&f.out, "out", "", "with --dry-run: where to write the SOAP request")
	fs.StringVar(&f.proof, "proof", "", "where to write the proof bundle of a digital attempt (check it with mm verify)")
	fs.BoolVar(&f.asJSON, "json", false, "print the receipt as JSON")
	fs.BoolVar(&f.dryRun, "dry-run", false, "build, sign and seal only: contact nothing, write the request to --out")
	fs.BoolVar(&f.fake, "fake", false, "send through an in-process fake infrastructure with demo recipients")
	fs.StringVar(&f.batch.source, "batch", "", "send every message of a JSONL file (see package mailing for the format)")
	fs.StringVar(&f.batch.journal, "journal", "", "with --batch: the journal that makes the mailing resumable: an SQLite file, or a postgres:// URL that several instances share")
	fs.StringVar(&f.batch.name, "mailing", "", "with --batch: the mailing's name (default: the file's name)")
	fs.BoolVar(&f.batch.resume, "resume", false, "with --batch: continue a mailing the journal already holds")
	fs.Float64Var(&f.batch.rate, "rate", 0, "with --batch: the most messages per second overall (0: no limit)")
	fs.Float64Var(&f.batch.operatorRate, "operator-rate", 0, "with --batch: the most messages per second to one operator")
	fs.IntVar(&f.batch.perOperator, "per-operator", 0, "with --batch: deliveries in flight per operator (default 4)")
	fs.StringVar(&f.batch.worker, "worker", "", "with --batch and a PostgreSQL journal: this instance's name in leases (default host-pid)")
	fs.DurationVar(&f.batch.lease, "lease", 0, "with --batch and a PostgreSQL journal: how long a claimed message stays this instance's without a word (default 2m)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mm send: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if f.batch.source != "" {
		if f.to != "" || f.dryRun {
			fmt.Fprintln(stderr, "mm send: --batch takes its messages from the file: no --to, no --dry-run")
			return exitUsage
		}
		ctx, release := onStop(stderr, "mm send", "run again with --resume to finish")
		defer release()
		return runBatch(ctx, &f, stdout, stderr)
	}
	// From here on a signal stops the command, even while it reads a
	// --body or --attach that is a pipe.
	ctx, release := onStop(stderr, "mm send", "a message that may have left is sent again safely with the same --id")
	defer release()
	if f.dryRun && f.out == "" {
		fmt.Fprintln(stderr, "mm send: --dry-run needs --out FILE")
		return exitUsage
	}
	m, err := f.message()
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitUsage
	}
	cfg, cleanup, err := f.config()
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitUsage
	}
	defer cleanup()
	m.SetDefaults()
	if err := m.Validate(); err != nil {
		fmt.Fprintf(stderr, "mm send: the message breaks the contracts' rules:\n  %s\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return exitFailed
	}
	if f.dryRun {
		return f.writeRequest(stdout, stderr, cfg, m)
	}
	var proof *receipt.Proof
	cfg.OnProof = func(p *receipt.Proof) error { proof = p; return nil }
	sender, err := sdk.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitUsage
	}
	r, sendErr := sender.Send(ctx, m)
	if proof != nil && f.proof != "" {
		if err := writeProof(f.proof, proof); err != nil {
			fmt.Fprintln(stderr, "mm send:", err)
		}
	}
	printReceipt(stdout, r, f.asJSON)
	if sendErr != nil {
		fmt.Fprintln(stderr, "mm send:", sendErr)
		if errors.Is(sendErr, sdk.ErrMaybeDelivered) {
			fmt.Fprintf(stderr, "mm send: retry later with --id %s: the operator stores a message once\n", m.ID)
		}
		return exitFailed
	}
	return exitOK
}

// message builds the message from the flags.
func (f *sendFlags) message() (*message.Message, error) {
	if f.to == "" || f.subject == "" {
		return nil, errors.New("--to and --subject are required")
	}
	to, err := message.ParseRecipientID(f.to)
	if err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	class, err := securityclass.Parse(f.class)
	if err != nil {
		return nil, fmt.Errorf("--class: %w", err)
	}
	m := &message.Message{
		ID: f.id, Recipient: to, Subject: f.subject, Class: class,
		Support:   message.SupportInfo{Text: f.supportText, URL: f.supportURL, Phone: f.supportPhone, Email: f.supportEmail},
		Reference: f.reference, CorrelationID: f.correlation, Attention: f.attn,
	}
	bodies := 0
	for _, b := range []string{f.text, f.html, f.body} {
		if b != "" {
			bodies++
		}
	}
	if bodies != 1 {
		return nil, errors.New("give exactly one of --text, --html and --body")
	}
	switch {
	case f.text != "":
		m.Body = message.Body{ContentType: message.ContentTypePlain, Text: f.text}
	case f.html != "":
		b, err := os.ReadFile(f.html)
		if err != nil {
			return nil, fmt.Errorf("--html: %w", err)
		}
		m.Body = message.Body{ContentType: message.ContentTypeHTML, Text: string(b)}
	default:
		b, err := os.ReadFile(f.body)
		if err != nil {
			return nil, fmt.Errorf("--body: %w", err)
		}
		ct := message.ContentTypePlain
		if ext := strings.ToLower(filepath.Ext(f.body)); ext == ".html" || ext == ".htm" {
			ct = message.ContentTypeHTML
		}
		m.Body = message.Body{ContentType: ct, Text: string(b)}
	}
	for _, path := range f.attach {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--attach: %w", err)
		}
		m.Attachments = append(m.Attachments, message.Attachment{Filename: filepath.Base(path), ContentType: attachmentType(path), Data: data})
	}
	if f.smsFrom != "" || f.smsText != "" {
		m.SMS = &message.SMSNotice{From: f.smsFrom, Text: f.smsText}
	}
	if f.emailFrom != "" || f.emailSubj != "" || f.emailTx != "" {
		m.Email = &message.EmailNotice{From: f.emailFrom, Subject: f.emailSubj, Text: f.emailTx}
	}
	return m, nil
}

// attachmentType infers an attachment's content type from its extension;
// Validate refuses what the contracts do not allow.
func attachmentType(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		return message.ContentTypePDF
	case ".doc":
		return message.ContentTypeMSWord
	case ".docx":
		return message.ContentTypeDOCX
	case ".dotx":
		return message.ContentTypeDOTX
	case ".ics":
		return message.ContentTypeCalendar
	}
	if t := mime.TypeByExtension(filepath.Ext(path)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// config builds the Sender's configuration from the flags, or from an
// in-process fake with --fake. cleanup stops what it started.
func (f *sendFlags) config() (cfg sdk.Config, cleanup func(), err error) {
	cleanup = func() {}
	if f.fake {
		infra, err := fakeinfra.New()
		if err != nil {
			return cfg, cleanup, err
		}
		for _, r := range demoRecipients {
			if err := infra.AddRecipient(r.id, r.opts...); err != nil {
				infra.Close()
				return cfg, cleanup, err
			}
		}
		cfg = infra.SenderConfig()
		cleanup = infra.Close
	} else {
		if cfg.Signer, err = f.conn.signer(); err != nil {
			return cfg, cleanup, err
		}
		if cfg.Sender, err = f.conn.senderOf(cfg.Signer); err != nil {
			return cfg, cleanup, err
		}
		if cfg.Roots, err = f.conn.roots(); err != nil {
			return cfg, cleanup, err
		}
		cfg.AllowLocalOperatorNetworks = f.conn.localNets
		if !f.dryRun {
			if cfg.FaR, err = f.conn.endpoints(); err != nil {
				return cfg, cleanup, err
			}
		}
	}
	if f.paperDir != "" {
		p, err := paperdir.New(f.paperDir, paperdir.Config{})
		if err != nil {
			cleanup()
			return cfg, func() {}, err
		}
		cfg.Paper = p
		prev := cleanup
		cleanup = func() { p.Close(); prev() }
	}
	return cfg, cleanup, nil
}

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
		fmt.Fprintln(stderr, "mm send:", err)
		return exitTrouble
	}
	sum := sha256.Sum256(req)
	fmt.Fprintf(stdout, "dry run: message %s to %s, %s, request of %d bytes written to %s (SHA-256 %s); nothing was sent\n",
		m.ID, m.Recipient, m.Class.OrDefault(), len(req), f.out, hex.EncodeToString(sum[:]))
	return exitOK
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
