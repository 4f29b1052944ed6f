package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/safetext"
	"github.com/spf13/pflag"
)

// batchFlags are mm send's flags for a large mailing.
type batchFlags struct {
	source, journal, name string
	rate, operatorRate    float64
	perOperator           int
	resume                bool
	worker                string
	lease                 time.Duration
}

// register registers the flags of a mailing sent with --batch.
func (b *batchFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&b.source, "batch", "", "send every message of a JSONL `FILE` (see package mailing for the format)")
	fs.StringVar(&b.journal, "journal", "", "with --batch: the journal that makes the mailing resumable: an SQLite `FILE`, or a postgres:// URL that several instances share")
	fs.StringVar(&b.name, "mailing", "", "with --batch: the mailing's `NAME` (default: the file's name)")
	fs.BoolVar(&b.resume, "resume", false, "with --batch: continue a mailing the journal already holds")
	fs.Float64Var(&b.rate, "rate", 0, "with --batch: the most messages per second overall (0: no limit)")
	fs.Float64Var(&b.operatorRate, "operator-rate", 0, "with --batch: the most messages per second to one operator")
	fs.IntVar(&b.perOperator, "per-operator", 0, fmt.Sprintf("with --batch: deliveries in flight per operator (default %d; size it as the agreed rate × the round trip, plus a margin)", mailing.DefaultPerOperator))
	fs.StringVar(&b.worker, "worker", "", "with --batch and a PostgreSQL journal: this instance's name in leases (default host-pid)")
	fs.DurationVar(&b.lease, "lease", 0, "with --batch and a PostgreSQL journal: how long a claimed message stays this instance's without a word (default 2m)")
}

// runBatch sends every message of a JSONL source with mailing.Send: all lines
// checked first, then paced, journalled and resumable.
// ctx ends when the command is to stop.
func runBatch(ctx context.Context, f *sendFlags, stdout, stderr io.Writer) int {
	b := f.batch
	src, err := openSource(b.source, b.name)
	if err != nil {
		fmt.Fprintln(stderr, "mm send: --batch:", err)
		return exitUsage
	}
	defer src.Close()
	if code := validateSource(ctx, src, stderr, "mm send"); code != exitOK {
		return code
	}
	cfg, cleanup, err := f.shared.config(true, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitUsage
	}
	defer cleanup()
	sender, err := sdk.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "mm send:", err)
		return exitUsage
	}
	j, err := openJournal(ctx, b.journal)
	if err != nil {
		fmt.Fprintln(stderr, "mm send: --journal:", err)
		return journalOpenStatus(err)
	}
	defer j.Close()
	counts, err := j.Counts(ctx, src.Mailing())
	if err != nil {
		fmt.Fprintln(stderr, "mm send: --journal:", err)
		return exitTrouble
	}
	if counts.Total > 0 && !b.resume {
		fmt.Fprintf(stderr, "mm send: the journal already holds mailing %s (%d messages): add --resume to continue it\n", safetext.Clean(src.Mailing()), counts.Total)
		return exitUsage
	}
	total, _ := src.Validate(ctx)
	bar := newProgressBar(stdout, isTerminal(stdout))
	opts := mailing.Options{
		Name: src.Mailing(), Journal: j, Rate: b.rate, OperatorRate: b.operatorRate, PerOperator: b.perOperator,
		Progress: bar.update, Total: total,
	}
	if isPostgres(b.journal) {
		// A shared journal: load the mailing (idempotently: every instance
		// may, and only the first adds anything), then drain it with the
		// other instances.
		st, err := j.Load(ctx, src.Mailing(), src.Items(ctx))
		if err != nil {
			fmt.Fprintln(stderr, "mm send: loading the mailing into the journal:", err)
			return exitTrouble
		}
		fmt.Fprintf(stdout, "mailing %s: %d loaded now, %d loaded before\n", safetext.Clean(src.Mailing()), st.Added, st.Present)
		rep, err := mailing.Drain(ctx, sender, src.Decode, mailing.DrainOptions{Options: opts, Worker: b.worker, Lease: b.lease})
		bar.finish()
		return finishBatch(stdout, stderr, src.Mailing(), rep, err)
	}
	rep, err := mailing.Send(ctx, sender, src.Messages(ctx), opts)
	bar.finish()
	return finishBatch(stdout, stderr, src.Mailing(), rep, err)
}

// finishBatch prints the summary and turns the outcome into the exit status
// of the contract: 1 when messages failed, 3 when some are unknown or the
// journal failed, 2 when the source changed under the command.
func finishBatch(stdout, stderr io.Writer, name string, rep *mailing.Report, err error) int {
	if rep != nil {
		printSummary(stdout, name, rep)
	}
	switch {
	case errors.Is(err, mailing.ErrSource):
		fmt.Fprintln(stderr, "mm send: the source changed while sending:", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mm send:", err)
		fmt.Fprintln(stderr, "mm send: stopped; run again with --resume to finish")
		return exitFailed
	case err != nil:
		fmt.Fprintln(stderr, "mm send:", err)
		return exitTrouble
	case rep.Failed > 0 || rep.Unknown > 0:
		fmt.Fprintf(stderr, "mm send: %d failed and %d unknown: see mm mailing report; run again with --resume to send the unknown again\n", rep.Failed, rep.Unknown)
		if rep.Failed == 0 {
			return exitTrouble
		}
		return exitFailed
	}
	return exitOK
}

// openJournal opens the journal a --journal names: a PostgreSQL URL (a
// journal several instances share) or an SQLite file. An empty name keeps
// the journal in memory (no resume).
func openJournal(ctx context.Context, addr string) (journal.Journal, error) {
	if addr == "" {
		return journal.NewMemory(journal.Config{}), nil
	}
	return openJournalAt(ctx, addr)
}

func printSummary(w io.Writer, name string, rep *mailing.Report) {
	fmt.Fprintf(w, "mailing %s: %d messages read, %d settled this run, %d done before, in %s (%.1f/s)\n",
		safetext.Clean(name), rep.Seen, rep.Done, rep.Skipped, rep.Elapsed.Round(time.Millisecond), rep.Rate)
	for _, st := range journal.States() {
		if n := rep.ByState[st]; n > 0 {
			fmt.Fprintf(w, "  %-20s %d\n", st, n)
		}
	}
	for why, n := range rep.ByReason {
		fmt.Fprintf(w, "  paper because %s: %d\n", why, n)
	}
}

// progressBar shows a mailing's progress: a bar redrawn in place on a
// terminal, a plain line every few seconds otherwise.
type progressBar struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
}

func newProgressBar(w io.Writer, terminal bool) *progressBar {
	return &progressBar{w: w, terminal: terminal}
}

func (b *progressBar) update(p mailing.Progress) {
	done := p.Done + p.Skipped
	if b.terminal {
		frac := 0.0
		total := p.Seen
		if eta := p.ETA; eta > 0 || total > 0 {
			if t := done + p.InFlight; t > total {
				total = t
			}
		}
		if total > 0 {
			frac = float64(done) / float64(total)
		}
		const width = 30
		n := int(frac * width)
		fmt.Fprintf(b.w, "\r[%s%s] %d done, %d in flight, %.1f/s, eta %s%s   ",
			strings.Repeat("#", n), strings.Repeat(".", width-n), done, p.InFlight, p.Rate, p.ETA.Round(time.Second), paused(p))
		b.drawn = true
		return
	}
	if time.Since(b.last) < 5*time.Second && b.drawn {
		return
	}
	b.last, b.drawn = time.Now(), true
	fmt.Fprintf(b.w, "progress: %d done, %d in flight, %.1f/s, eta %s%s\n", done, p.InFlight, p.Rate, p.ETA.Round(time.Second), paused(p))
}

func (b *progressBar) finish() {
	if b.terminal && b.drawn {
		fmt.Fprintln(b.w)
	}
}

func paused(p mailing.Progress) string {
	if len(p.Paused) == 0 {
		return ""
	}
	return ", paused: " + strings.Join(p.Paused, " ")
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	if o, ok := w.(*outWriter); ok {
		w = o.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
