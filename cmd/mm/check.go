package main

import (
	"errors"
	"fmt"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/cobra"
)

func init() { register(newCheckCommand) }

var checkLong = `Check runs the preflight an agency runs before going live, or before a large
mailing (Sender.Check): the certificates' organisation numbers and expiry
(a warning within 30 days of it), the sender's registration in the Authority
register (getSenders), that it is accepted (isSenderAccepted), and, when
another organisation signs or seals, that it may act for the sender as an
intermediary (getDispatchers). Each check is printed with ok, warning or
problem.

With --fake, the checks run against an in-process fake infrastructure, as
Kommun A, its default sender.

` + connHelp + `

With --json, one document:
  {"sender", "ok", "checks": [{"name", "status", "detail"}], "problems",
   "warnings"}
"status" is "ok", "warning" or "problem".` + exitSection(
	"0  no problems (warnings allowed)",
	"1  a problem: operators would refuse the sender's deliveries",
	"2  a wrong command line, or a certificate or file that cannot be read",
	"3  FaR or the Authority register could not be reached or trusted, or failed",
)

type checkFlags struct {
	conn   connFlags
	fake   bool
	at     string
	asJSON bool
}

func newCheckCommand(e *env) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:     "check [flags]",
		Short:   "check a sender before going live: certificates, registration, intermediary rights",
		Long:    checkLong,
		Example: "  mm check --fake\n  mm check --env test --cert kommun.p12 --password-env P12_PASSWORD\n  mm check --env production --cert kommun.p12 --password-env P12_PASSWORD --at 2027-01-31T00:00:00Z --json",
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return f.run(cmd, e) },
	}
	f.conn.register(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&f.fake, "fake", false, "check against an in-process fake infrastructure, as its default sender")
	fs.StringVar(&f.at, "at", "", "judge the certificates' expiry as of this `TIME` (RFC 3339), such as the last day of a planned mailing (default: now)")
	fs.BoolVar(&f.asJSON, "json", false, "print the checks as JSON")
	return cmd
}

// checkJSON is mm check's --json document.
type checkJSON struct {
	Sender   string      `json:"sender"`
	OK       bool        `json:"ok"`
	Checks   []checkItem `json:"checks"`
	Problems []string    `json:"problems"`
	Warnings []string    `json:"warnings"`
}

type checkItem struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func (f *checkFlags) run(cmd *cobra.Command, e *env) error {
	var cfg sdk.Config
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return usagef("--at %q is not an RFC 3339 time, like 2026-11-26T10:00:00+01:00", f.at)
		}
		cfg.Now = func() time.Time { return t }
	}
	now := cfg.Now
	if f.fake {
		infra, err := startDemoFake()
		if err != nil {
			say(cmd, "%v", err)
			return exitStatus(exitTrouble)
		}
		defer infra.Close()
		cfg = infra.SenderConfig()
	} else {
		var err error
		if cfg, err = f.conn.config(true); err != nil {
			say(cmd, "%v", err)
			return exitStatus(exitUsage)
		}
	}
	cfg.Now = now
	sender, err := sdk.New(cfg)
	if err != nil {
		say(cmd, "%v", err)
		return exitStatus(exitUsage)
	}
	ctx, release := onStop(e.stderr, "mm check", "nothing was changed")
	defer release()
	rep, err := sender.Check(ctx)
	if err != nil && !errors.Is(err, sdk.ErrPreflight) {
		say(cmd, "%v", err)
		return exitStatus(failureStatus(err))
	}
	out := checkJSON{Sender: string(cfg.Sender.ID), OK: rep.OK(), Checks: []checkItem{}, Problems: rep.Problems, Warnings: rep.Warnings}
	for _, c := range rep.Checks {
		out.Checks = append(out.Checks, checkItem{Name: c.Name, Status: string(c.Status), Detail: c.Detail})
	}
	if out.Problems == nil {
		out.Problems = []string{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if f.asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return exitStatus(exitTrouble)
		}
	} else {
		printChecks(e, out)
	}
	if !rep.OK() {
		return exitStatus(exitFailed)
	}
	return nil
}

// printChecks shows the checks one a line. The details may quote what
// FaR answered: cleaned.
func printChecks(e *env, out checkJSON) {
	for _, c := range out.Checks {
		line := fmt.Sprintf("%-8s %s", c.Status, safetext.Clean(c.Name))
		if c.Detail != "" {
			line += ": " + safetext.Clean(c.Detail)
		}
		fmt.Fprintln(e.stdout, line)
	}
	switch {
	case !out.OK:
		fmt.Fprintf(e.stdout, "sender %s: %d problem(s): operators would refuse its deliveries\n", out.Sender, len(out.Problems))
	case len(out.Warnings) > 0:
		fmt.Fprintf(e.stdout, "sender %s: ready, with %d warning(s)\n", out.Sender, len(out.Warnings))
	default:
		fmt.Fprintf(e.stdout, "sender %s: ready\n", out.Sender)
	}
}
