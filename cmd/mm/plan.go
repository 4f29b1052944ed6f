package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/cobra"
)

func init() { register(newPlanCommand) }

var planLong = `Plan reads a mailing's JSONL source, checks every line, and prints the notice
the infrastructure should have ahead of a large mailing: counts per class,
attachments, sizes, the start, the pace and the end.

With --json, one document:
  {"mailing", "sender": {"id", "name"}, "contact", "messages", "byClass",
   "withAttachments", "attachments", "totalBytes", "averageBytes",
   "largestBytes", "largestMessageId", "start", "end", "ratePerSecond",
   "durationSeconds"}` + exitSection(
	"0  the plan was made",
	"2  a wrong command line, a source that cannot be read or has wrong lines (plan sends and checks",
	"   nothing outside, so it never exits 1)",
	"3  the output could not be written",
)

type planFlags struct {
	rate                               float64
	start, sender, senderName, contact string
	name                               string
	asJSON                             bool
}

func newPlanCommand(e *env) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:     "plan [flags] SOURCE.jsonl",
		Short:   "tell the infrastructure ahead about a large mailing: counts, sizes, start and end",
		Long:    planLong,
		Example: "  mm plan mailing.jsonl --sender 162021004748 --sender-name 'Kommun A' --rate 20",
		Args:    oneArg("the mailing's SOURCE.jsonl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, e, args[0])
		},
	}
	fs := cmd.Flags()
	fs.Float64Var(&f.rate, "rate", 10, "the pace the mailing will be held to, in messages per second")
	fs.StringVar(&f.start, "start", "", "when the first message leaves (RFC 3339; default: now)")
	fs.StringVar(&f.sender, "sender", "", "the sender's organisation number `ORGNR` (required)")
	fs.StringVar(&f.senderName, "sender-name", "", "the sender's `NAME` (required)")
	fs.StringVar(&f.contact, "contact", "", "whom the infrastructure should call about the mailing")
	fs.StringVar(&f.name, "mailing", "", "the mailing's `NAME` (default: the file's name)")
	fs.BoolVar(&f.asJSON, "json", false, "print the plan as JSON")
	return cmd
}

func (f *planFlags) run(cmd *cobra.Command, e *env, path string) error {
	start := time.Now()
	if f.start != "" {
		t, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			return usagef("--start %q is not an RFC 3339 time, like 2026-11-26T10:00:00+01:00", f.start)
		}
		start = t
	}
	if f.rate <= 0 {
		return usagef("--rate %v: must be more than 0 messages per second", f.rate)
	}
	if f.sender == "" || f.senderName == "" {
		return usagef("--sender (an organisation number) and --sender-name are required: they are named in the notice and in every message")
	}
	org, err := message.ParseOrgNumber(f.sender)
	if err != nil {
		return usagef("--sender: %v", err)
	}
	src, err := openSource(path, f.name)
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	defer src.Close()
	ctx := cmd.Context()
	if code := validateSource(ctx, src, e.stderr, "mm plan"); code != exitOK {
		return exitStatus(code)
	}
	p, err := mailing.NewPlan(ctx, src.Messages(ctx), mailing.PlanConfig{
		Sender: message.Sender{ID: org, Name: f.senderName}, Mailing: src.Mailing(), Contact: f.contact, Start: start, Rate: f.rate,
	})
	if err != nil {
		// The flags and every line were checked: what is left is the input's.
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	if f.asJSON {
		b, err := p.MarshalJSON()
		if err != nil {
			say(cmd, "%v", err)
			return exitStatus(exitTrouble)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return nil
	}
	fmt.Fprint(e.stdout, p.Text())
	return nil
}

// openSource opens a JSONL source; the mailing's name defaults to the
// file's name without its extension.
func openSource(path, name string) (*mailing.Source, error) {
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return mailing.OpenSource(name, path)
}

// validateSource reads the whole source and reports every problem with its
// line number, before anything is sent: each is an input error.
func validateSource(ctx context.Context, src *mailing.Source, stderr io.Writer, who string) int {
	n, err := src.Validate(ctx)
	var se *mailing.SourceError
	switch {
	case errors.As(err, &se):
		fmt.Fprintf(stderr, "%s: %s has problems; nothing was sent:\n", who, safetext.Clean(src.Mailing()))
		for _, p := range se.Problems {
			fmt.Fprintf(stderr, "  %v\n", p)
		}
		if se.Omitted > 0 {
			fmt.Fprintf(stderr, "  … and %d more\n", se.Omitted)
		}
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", who, err)
		return exitUsage
	case n == 0:
		fmt.Fprintf(stderr, "%s: %s holds no messages\n", who, safetext.Clean(src.Mailing()))
		return exitUsage
	}
	return exitOK
}
