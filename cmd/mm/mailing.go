package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/spf13/cobra"
)

func init() { register(newMailingCommand) }

func newMailingCommand(e *env) *cobra.Command {
	cmd := group("mailing", "watch a large mailing in its journal: status, and the messages that need a look",
		`Mailing reads a mailing's journal (an SQLite file, or the PostgreSQL journal
several instances share) without changing it:

  status  counts per state, channel and operator; the pace; the instances working
  report  the messages sent by paper (and why), failed (and why) and unknown`)
	cmd.AddCommand(newMailingStatusCommand(e), newMailingReportCommand(e))
	return cmd
}

// journalFlags are the flags both subcommands share.
type journalFlags struct {
	journal, mailing string
	asJSON           bool
}

func (f *journalFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.journal, "journal", "", "the journal: a postgres:// or postgresql:// URL, or a SQLite `FILE` (required)")
	fs.StringVar(&f.mailing, "mailing", "", "the mailing's `NAME` (required)")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagFilename("journal")
}

// journalExit is the exit section of both subcommands' help.
var journalExit = exitSection(
	"0  the journal was read",
	"1  the journal holds no message of the mailing (a mistyped name?)",
	"2  a wrong command line, a --journal file that does not exist or a URL that is no journal's",
	"3  the journal could not be opened or read, or the output written",
)

// run checks the flags, opens the journal and runs body on it, and turns
// what body returns into the exit status, having said why on stderr.
// These commands only read: a SQLite file must exist already.
func (f *journalFlags) run(cmd *cobra.Command, body func(ctx context.Context, j journal.Journal) error) error {
	switch {
	case f.journal == "":
		return usagef("--journal: required: the journal's SQLite file or postgres:// URL")
	case f.mailing == "":
		return usagef("--mailing: required: the mailing's name")
	}
	ctx := cmd.Context()
	j, err := openExistingJournal(ctx, f.journal)
	if err != nil {
		say(cmd, "--journal: %v", err)
		return exitStatus(journalOpenStatus(err))
	}
	defer j.Close()
	err = body(ctx, j)
	switch {
	case errors.Is(err, errNoMailing):
		say(cmd, "mailing %q: %v", f.mailing, err)
		return exitStatus(exitFailed)
	case err != nil:
		say(cmd, "%v", err)
		return exitStatus(exitTrouble)
	}
	return nil
}

// errNoMailing: the journal holds nothing of the mailing named.
var errNoMailing = errors.New("the journal holds no messages of this mailing")

// counts reads the mailing's counts, or errNoMailing when there are none:
// most likely its name was mistyped.
func counts(ctx context.Context, j journal.Journal, name string) (journal.Counts, error) {
	c, err := j.Counts(ctx, name)
	if err == nil && c.Total == 0 {
		err = errNoMailing
	}
	return c, err
}

// mailingStatus is what mm mailing status shows, and its JSON form.
type mailingStatus struct {
	Mailing   string                `json:"mailing"`
	Total     int                   `json:"total"`
	Settled   int                   `json:"settled"`
	Open      int                   `json:"open"`
	Done      bool                  `json:"done"`
	States    map[journal.State]int `json:"states"`
	Channels  map[string]int        `json:"channels"`
	Operators map[string]int        `json:"operators"`
	At        time.Time             `json:"at"`
	Window    float64               `json:"windowSeconds"`
	Recent    int                   `json:"settledInWindow"`
	Rate      float64               `json:"ratePerSecond"`
	Instances []mailingInstance     `json:"instances"`
}

type mailingInstance struct {
	Worker     string    `json:"worker"`
	Messages   int       `json:"messages"`
	LeaseUntil time.Time `json:"leaseUntil"`
}

// statusWindow is how far back the pace is measured.
const statusWindow = time.Minute

// readStatus reads a mailing's status; now is the time for journals that
// keep no clock of their own (see journal.ReadActivity).
func readStatus(ctx context.Context, j journal.Journal, name string, now time.Time) (mailingStatus, error) {
	c, err := counts(ctx, j, name)
	if err != nil {
		return mailingStatus{}, err
	}
	a, err := journal.ReadActivity(ctx, j, name, statusWindow, now)
	if err != nil {
		return mailingStatus{}, err
	}
	s := mailingStatus{Mailing: name, Total: c.Total, Done: c.Done(), States: c.State,
		Channels: map[string]int{}, Operators: map[string]int{}, Instances: []mailingInstance{},
		At: a.At, Window: a.Window.Seconds(), Recent: a.Settled, Rate: a.Rate()}
	for st, n := range c.State {
		if st.Terminal() {
			s.Settled += n
		}
	}
	s.Open = s.Total - s.Settled
	for ch, n := range c.Channel {
		s.Channels[string(ch)] = n
	}
	for op, n := range c.Operator {
		s.Operators[string(op)] = n
	}
	for _, w := range a.Workers {
		s.Instances = append(s.Instances, mailingInstance{Worker: w.Worker, Messages: w.Entries, LeaseUntil: w.Until})
	}
	return s, nil
}

func newMailingStatusCommand(e *env) *cobra.Command {
	var f journalFlags
	cmd := &cobra.Command{
		Use:   "status [flags]",
		Short: "counts per state, channel and operator; the pace; the instances working",
		Long: `Status shows where a mailing stands: counts per state, channel and operator,
the messages settled in the last minute, and the instances working on it.

With --json, one document:
  {"mailing", "total", "settled", "open", "done", "states": {STATE: N},
   "channels": {CHANNEL: N}, "operators": {OPERATOR: N}, "at",
   "windowSeconds", "settledInWindow", "ratePerSecond",
   "instances": [{"worker", "messages", "leaseUntil"}]}` + journalExit,
		Example: "  mm mailing status --journal mailing.db --mailing utskick-2026",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd, func(ctx context.Context, j journal.Journal) error {
				s, err := readStatus(ctx, j, f.mailing, time.Now())
				if err != nil {
					return err
				}
				if f.asJSON {
					return writeJSON(e.stdout, s)
				}
				printStatus(e.stdout, s)
				return nil
			})
		},
	}
	f.register(cmd)
	return cmd
}

// printStatus writes the status for people: figures in a fixed order.
func printStatus(w io.Writer, s mailingStatus) {
	fmt.Fprintf(w, "mailing %s: %d messages, %d settled (%.1f%%), %d open\n",
		s.Mailing, s.Total, s.Settled, 100*float64(s.Settled)/float64(s.Total), s.Open)
	fmt.Fprintln(w, "by state:")
	for _, st := range journal.States() {
		if n := s.States[st]; n > 0 {
			fmt.Fprintf(w, "  %-20s %8d\n", st, n)
		}
	}
	for _, part := range []struct {
		title  string
		counts map[string]int
	}{{"by channel:", s.Channels}, {"by operator:", s.Operators}} {
		if len(part.counts) == 0 {
			continue
		}
		fmt.Fprintln(w, part.title)
		keys := make([]string, 0, len(part.counts))
		for k := range part.counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %-20s %8d\n", k, part.counts[k])
		}
	}
	fmt.Fprintf(w, "last %s: %d settled (%.2f/s)\n", time.Duration(s.Window*float64(time.Second)), s.Recent, s.Rate)
	if len(s.Instances) == 0 {
		fmt.Fprintln(w, "instances working: none")
		return
	}
	fmt.Fprintf(w, "instances working (%d):\n", len(s.Instances))
	for _, in := range s.Instances {
		fmt.Fprintf(w, "  %-20s %8d leased until %s\n", in.Worker, in.Messages, in.LeaseUntil.UTC().Format(time.RFC3339))
	}
}
