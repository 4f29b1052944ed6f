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
)

func init() {
	register("plan", "tell the infrastructure ahead about a large mailing: counts, sizes, start and end", runPlan)
}

func runPlan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan", "[--rate N] [--start RFC3339] [--sender ORGNR --sender-name NAME] [--contact TEXT] [--mailing NAME] [--json] SOURCE.jsonl", stderr)
	rate := fs.Float64("rate", 10, "the pace the mailing will be held to, in messages per second")
	startAt := fs.String("start", "", "when the first message leaves (RFC 3339; default: now)")
	sender := fs.String("sender", "", "the sender's organisation number")
	senderName := fs.String("sender-name", "", "the sender's name")
	contact := fs.String("contact", "", "whom the infrastructure should call about the mailing")
	name := fs.String("mailing", "", "the mailing's name (default: the file's name)")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	start := time.Now()
	if *startAt != "" {
		t, err := time.Parse(time.RFC3339, *startAt)
		if err != nil {
			fmt.Fprintf(stderr, "mm plan: --start %q is not an RFC 3339 time\n", *startAt)
			return exitUsage
		}
		start = t
	}
	org, err := message.ParseOrgNumber(*sender)
	if err != nil || *senderName == "" {
		fmt.Fprintln(stderr, "mm plan: --sender (an organisation number) and --sender-name are required: they are named in the notice and in every message")
		return exitUsage
	}
	src, err := openSource(fs.Arg(0), *name)
	if err != nil {
		fmt.Fprintln(stderr, "mm plan:", err)
		return exitTrouble
	}
	defer src.Close()
	ctx := context.Background()
	if code := validateSource(ctx, src, stderr, "mm plan"); code != exitOK {
		return code
	}
	p, err := mailing.NewPlan(ctx, src.Messages(ctx), mailing.PlanConfig{
		Sender: message.Sender{ID: org, Name: *senderName}, Mailing: src.Mailing(), Contact: *contact, Start: start, Rate: *rate,
	})
	if err != nil {
		fmt.Fprintln(stderr, "mm plan:", err)
		return exitFailed
	}
	if *asJSON {
		b, err := p.MarshalJSON()
		if err != nil {
			fmt.Fprintln(stderr, "mm plan:", err)
			return exitTrouble
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return exitOK
	}
	fmt.Fprint(stdout, p.Text())
	return exitOK
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
// line number, before anything is sent.
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
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", who, err)
		return exitTrouble
	case n == 0:
		fmt.Fprintf(stderr, "%s: %s holds no messages\n", who, safetext.Clean(src.Mailing()))
		return exitFailed
	}
	return exitOK
}
