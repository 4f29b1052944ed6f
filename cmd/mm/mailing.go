package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/avsandare/mm/mailing/journal"
)

func init() {
	register("mailing", "watch a large mailing in its journal: status, and the messages that need a look", runMailing)
}

// mailingUsage lists the subcommands of mm mailing.
const mailingUsage = `Usage: mm mailing <status|report> --journal DSN|FILE --mailing NAME [flags]

Subcommands:
  status  counts per state, channel and operator; the pace; the instances working
  report  the messages sent by paper (and why), failed (and why) and unknown

Run "mm mailing <subcommand> -h" for its flags.`

func runMailing(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "status":
		return runMailingStatus(args[1:], stdout, stderr)
	case "report":
		return runMailingReport(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, mailingUsage)
		return exitOK
	case "":
	default:
		fmt.Fprintf(stderr, "mm mailing: unknown subcommand %q\n\n", sub)
	}
	fmt.Fprintln(stderr, mailingUsage)
	return exitUsage
}

// journalFlags are the flags both subcommands share.
type journalFlags struct {
	journal, mailing string
	asJSON           bool
}

func (f *journalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.journal, "journal", "", "the journal: a postgres:// or postgresql:// URL, or a SQLite file")
	fs.StringVar(&f.mailing, "mailing", "", "the mailing's name")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON")
}

// run checks the flags, opens the journal and runs body on it, and turns
// what body returns into the exit status, having said why on stderr.
// These commands only read: a SQLite file must exist already.
func (f *journalFlags) run(fs *flag.FlagSet, stderr io.Writer, body func(ctx context.Context, j journal.Journal) error) int {
	prefix := fs.Name()
	if f.journal == "" || f.mailing == "" || fs.NArg() != 0 {
		fmt.Fprintf(stderr, "%s: --journal and --mailing are required, and nothing else\n", prefix)
		fs.Usage()
		return exitUsage
	}
	ctx := context.Background()
	j, err := openExistingJournal(ctx, f.journal)
	if err != nil {
		fmt.Fprintf(stderr, "%s: --journal: %v\n", prefix, err)
		return exitTrouble
	}
	defer j.Close()
	err = body(ctx, j)
	switch {
	case errors.Is(err, errNoMailing):
		fmt.Fprintf(stderr, "%s: mailing %q: %v\n", prefix, f.mailing, err)
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return exitTrouble
	}
	return exitOK
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
	Window    float64               `json:"window_seconds"`
	Recent    int                   `json:"settled_in_window"`
	Rate      float64               `json:"rate_per_second"`
	Instances []mailingInstance     `json:"instances"`
}

type mailingInstance struct {
	Worker     string    `json:"worker"`
	Messages   int       `json:"messages"`
	LeaseUntil time.Time `json:"lease_until"`
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

func runMailingStatus(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("mailing status", "--journal DSN|FILE --mailing NAME [--json]", stderr)
	var f journalFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	return f.run(fs, stderr, func(ctx context.Context, j journal.Journal) error {
		s, err := readStatus(ctx, j, f.mailing, time.Now())
		if err != nil {
			return err
		}
		if f.asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(s)
		}
		printStatus(stdout, s)
		return nil
	})
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
