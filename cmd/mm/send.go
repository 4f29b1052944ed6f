package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() { register(newSendCommand) }

// demoRecipients are the recipients "mm send --fake" and "mm fake serve"
// (without --config) set up.
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

// demoList is the demo recipients as the help and the fake's banner list
// them, one a line, indented by indent.
func demoList(indent string) string {
	var b strings.Builder
	for _, r := range demoRecipients {
		fmt.Fprintf(&b, "%s%s  %s\n", indent, r.id, r.about)
	}
	return b.String()
}

var sendLong = `Send sends one message (--to ...), digitally, as a class-1 notification, or
by paper when the recipient has no mailbox; or, with --batch SOURCE.jsonl,
every message of a mailing: all lines checked first, then paced, journalled
and resumable (see package mailing for the format).

With --fake, an in-process fake infrastructure is started with these demo
recipients:
` + demoList("  ") + `--fake --dry-run signs with the fake's certificate for Kommun A, so it needs no
certificate files; it writes the fake's CA next to --out and prints the
mm verify line that checks the request.

SIGINT (Ctrl-C) or SIGTERM stops mm send within a second, whatever it is
doing; a stopped --batch resumes with --resume, sending nothing twice.

` + connHelp + `

With --json, the receipt as one document:
  {"messageId", "sender", "recipient", "class", "channel", "state",
   "operator": {"id", "name"}, "transId", "delivered", "notifiedBy",
   "paperReason", "problem", "sealedSha256", "at", "attempts"}` + exitSection(
	"0  the message went: digitally, as a notification or by paper; or every message of the mailing did",
	"1  the message was not sent (refused by FaR or an operator); messages of a mailing failed; stopped",
	"   by a signal",
	"2  a wrong command line, an invalid message (the flag named), a mailing line that is wrong, a file",
	"   that cannot be read",
	"3  FaR or an operator could not be reached or trusted, or the outcome is unknown (send again with",
	"   the same --id; --resume a mailing with unknown messages and none failed); a journal that fails;",
	"   an output that cannot be written",
)

// sendFlags are mm send's flags: those of one message, those of --batch,
// and those both take (sendShared).
type sendFlags struct {
	shared                        sendShared
	to, subject, text, html, body string
	attach                        []string
	class, id                     string
	supportText, supportURL       string
	supportPhone, supportEmail    string
	reference, correlation, attn  string
	smsFrom, smsText              string
	emailFrom, emailSubj, emailTx string
	out, proof                    string
	asJSON, dryRun                bool
	batch                         batchFlags
}

// sendShared are the flags of mm send that both modes, one message and
// --batch, take: where and as whom to send. A flag that applies to both
// modes is registered here, once, and read by config.
type sendShared struct {
	conn     connFlags
	fake     bool
	paperDir string

	metricsAddr, traceFile string        // OpenTelemetry output (telemetry.go)
	metricsLinger          time.Duration // /metrics served this long after the send

	infra *fakeinfra.Infra // the fake config started, with --fake
}

func (s *sendShared) register(cmd *cobra.Command) {
	s.conn.register(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&s.fake, "fake", false, "send through an in-process fake infrastructure with demo recipients")
	fs.StringVar(&s.paperDir, "paper-dir", "", "a `DIR` for paper mail, as a print provider collects it")
	_ = cmd.MarkFlagDirname("paper-dir")
	fs.StringVar(&s.metricsAddr, "metrics-addr", "", "serve the SDK's metrics in Prometheus text format at http://`HOST:PORT`/metrics while sending (port 0: any free port, printed on stderr)")
	fs.DurationVar(&s.metricsLinger, "metrics-linger", 0, "keep serving /metrics this long after the send, so that a scraper reads the final values (a signal ends the wait)")
	fs.StringVar(&s.traceFile, "trace-file", "", "write the SDK's OpenTelemetry spans as JSON lines to `FILE`")
}

func newSendCommand(e *env) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send [flags]",
		Short: "send a message: digitally, as a class-1 notification, or by paper",
		Long:  sendLong,
		Example: "  mm send --fake --to 195303231855 --subject Beslut --text 'Ditt bygglov är beviljat.' --support-text 'Ring 08-123 45 67'\n" +
			"  mm send --fake --dry-run --out req.xml --to 195303231855 --subject Beslut --text Hej --support-text Ring\n" +
			"  mm send --batch mailing.jsonl --journal mailing.db --env test --cert kommun.p12 --password-env P12_PASSWORD",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, e) },
	}
	f.shared.register(cmd)
	f.registerMessage(cmd.Flags())
	f.batch.register(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("class", cobra.FixedCompletions([]string{"1", "2", "3"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// registerMessage registers the flags of one message.
func (f *sendFlags) registerMessage(fs *pflag.FlagSet) {
	fs.StringVar(&f.to, "to", "", "the recipient: personal, coordination or organisation number, in any usual form")
	fs.StringVar(&f.subject, "subject", "", "the subject (at most 255 characters)")
	fs.StringVar(&f.text, "text", "", "the body as plain text")
	fs.StringVar(&f.html, "html", "", "a `FILE` holding the body as HTML")
	fs.StringVar(&f.body, "body", "", "a `FILE` holding the body (.html is HTML, anything else plain text)")
	fs.StringArrayVar(&f.attach, "attach", nil, "a `FILE` to attach (repeatable): .pdf .doc .docx .dotx .ics")
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
	fs.StringVar(&f.out, "out", "", "with --dry-run: the `FILE` to write the SOAP request to")
	fs.StringVar(&f.proof, "proof", "", "the `FILE` to write the proof bundle of a digital attempt to (check it with mm verify)")
	fs.BoolVar(&f.asJSON, "json", false, "print the receipt as JSON")
	fs.BoolVar(&f.dryRun, "dry-run", false, "build, sign and seal only: contact nothing, write the request to --out")
}

func (f *sendFlags) run(cmd *cobra.Command, e *env) error {
	stdout, stderr := e.stdout, e.stderr
	if f.batch.source != "" {
		if f.to != "" || f.dryRun {
			return usagef("--batch takes its messages from the file: no --to, no --dry-run")
		}
		ctx, release := onStop(stderr, "mm send", "run again with --resume to finish")
		defer release()
		return status(runBatch(ctx, f, stdout, stderr))
	}
	// From here on a signal stops the command, even while it reads a
	// --body or --attach that is a pipe.
	ctx, release := onStop(stderr, "mm send", "a message that may have left is sent again safely with the same --id")
	defer release()
	if f.dryRun && f.out == "" {
		return usagef("--dry-run needs --out FILE")
	}
	m, err := f.message()
	if err != nil {
		return usagef("%v", err)
	}
	cfg, cleanup, err := f.shared.config(!f.dryRun, cmd.ErrOrStderr())
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	defer cleanup()
	m.SetDefaults()
	if err := m.Validate(); err != nil {
		say(cmd, "the message breaks the contracts' rules:\n  %s", strings.ReplaceAll(flagProblems(err), "\n", "\n  "))
		return exitStatus(exitUsage)
	}
	if f.dryRun {
		return status(f.writeRequest(stdout, stderr, cfg, m))
	}
	var proof *receipt.Proof
	cfg.OnProof = func(p *receipt.Proof) error { proof = p; return nil }
	sender, err := sdk.New(cfg)
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	r, sendErr := sender.Send(ctx, m)
	if proof != nil && f.proof != "" {
		if err := writeProof(f.proof, proof); err != nil {
			say(cmd, "--proof: %v", err)
		}
	}
	printReceipt(stdout, r, f.asJSON)
	if sendErr != nil {
		say(cmd, "%v", sendErr)
		if errors.Is(sendErr, sdk.ErrMaybeDelivered) {
			say(cmd, "retry later with --id %s: the operator stores a message once", m.ID)
		}
		return exitStatus(failureStatus(sendErr))
	}
	return nil
}

// messageFlags names the flag of mm send that sets each field of a
// message, as message.ValidationError names the field.
var messageFlags = map[string]string{
	"ID": "--id", "Recipient": "--to", "Subject": "--subject", "Class": "--class",
	"Body.Text": "--text/--html/--body", "Body.ContentType": "--html/--body",
	"Support": "--support-text", "Support.Text": "--support-text", "Support.URL": "--support-url",
	"Support.Phone": "--support-phone", "Support.Email": "--support-email",
	"Reference": "--reference", "CorrelationID": "--correlation-id", "Attention": "--attention",
	"SMS": "--sms-from/--sms-text", "SMS.From": "--sms-from", "SMS.Text": "--sms-text",
	"Email": "--email-from/--email-subject/--email-text", "Email.From": "--email-from",
	"Email.Subject": "--email-subject", "Email.Text": "--email-text",
	"Attachments": "--attach", "Message": "the message",
}

// flagProblems says the problems of a Validate error in the flags' terms:
// "--support-text: required" rather than the Go field Support.Text.
func flagProblems(err error) string {
	var lines []string
	for _, p := range unjoin(err) {
		ve, ok := errors.AsType[*message.ValidationError](p)
		if !ok {
			lines = append(lines, p.Error())
			continue
		}
		name, found := messageFlags[ve.Field]
		if !found {
			// Attachments[1].ContentType and the like: the attachment's flag.
			if strings.HasPrefix(ve.Field, "Attachments[") {
				name = "--attach (" + ve.Field + ")"
			} else {
				name = ve.Field
			}
		}
		line := name + ": " + ve.Rule
		if ve.Value != "" {
			line += " (got " + ve.Value + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
