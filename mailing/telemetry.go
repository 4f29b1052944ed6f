package mailing

import (
	"context"
	"errors"

	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/receipt"
	"go.opentelemetry.io/otel/trace"
)

// The run's telemetry goes to the providers of the Sender's configuration
// (mm.Config.MeterProvider, TracerProvider), through the hooks below: each
// message settled for this run, the progress of the mailing, a span per
// lookup batch, and the time of every journal write. The Sender's own
// steps (Lookup, Deliver, Paper) record their spans and calls themselves.

// newTelemetry makes the run's instruments from the Sender's providers;
// nil (nothing recorded) without them.
func (r *run) newTelemetry() {
	// mm.New made the same instruments from these providers already, so
	// this cannot fail where it did not; a failure records nothing rather
	// than stopping the mailing.
	tel, err := telemetry.New(r.cfg.MeterProvider, r.cfg.TracerProvider, r.cfg.Now)
	if err != nil || tel == nil {
		return
	}
	r.tel = tel
	r.j = timedJournal{Journal: r.j, tel: tel}
}

// counted is jb settled for this run in state e.State (final, or unknown
// until the next run): counted with its channel, class and operator, and
// the mailing's progress recorded.
func (r *run) counted(jb *job, e journal.Entry) {
	if r.tel == nil {
		return
	}
	ch := e.Channel
	if ch == "" {
		ch = receipt.None
	}
	r.tel.Settled(r.ctx, telemetry.Span{}, telemetry.Outcome{
		Channel: string(ch), State: string(e.State), Class: int(jb.m.Class.OrDefault()), Operator: e.Operator.Name,
	})
	r.progressed()
}

// progressed records the mailing's progress: messages done (settled in this
// run or skipped as final from an earlier one), and remaining when the
// total is known.
func (r *run) progressed() {
	if r.tel == nil {
		return
	}
	var done int
	r.stats.with(func() { done = r.stats.done + r.stats.skipped })
	remaining := -1
	if r.o.Total > 0 {
		remaining = max(r.o.Total-done, 0)
	}
	r.tel.Progress(r.ctx, r.o.Name, done, remaining)
}

// unknown settles jb as unknown for this run, without a record: the
// journal has it unknown or sending already.
func (r *run) unknown(jb *job) {
	r.stats.settled(journal.Unknown, "", "")
	e := jb.entry
	e.State = journal.Unknown
	r.counted(jb, e)
}

// startBatch starts the span of a lookup batch of n messages; the lookup
// is its child.
func (r *run) startBatch(n int) (context.Context, telemetry.Span) {
	ctx, span := r.tel.Start(r.ctx, telemetry.SpanBatch, trace.SpanKindInternal)
	if span.On() {
		span.Set(telemetry.KeyMailing.String(telemetry.Text(r.o.Name)), telemetry.KeyBatchSize.Int(n))
	}
	return ctx, span
}

// timedJournal records how long each Record takes.
type timedJournal struct {
	journal.Journal
	tel *telemetry.T
}

func (j timedJournal) Record(ctx context.Context, entries ...journal.Entry) error {
	start := j.tel.Now()
	err := j.Journal.Record(ctx, entries...)
	j.tel.JournalWrite(ctx, start, journalErrType(err))
	return err
}

// journalErrType names a journal error for error.type: its kind, never its
// text.
func journalErrType(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, journal.ErrLeaseLost):
		return "lease_lost"
	case errors.Is(err, journal.ErrTransition):
		return "transition"
	case errors.Is(err, journal.ErrClosed):
		return "closed"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "other"
}
