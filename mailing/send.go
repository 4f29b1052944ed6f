package mailing

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"golang.org/x/time/rate"
)

// Send sends a large mailing through s: every message of msgs — what
// Source.Messages yields — read as it streams (never collected), looked up
// in FaR in batches, delivered with bounded
// concurrency per operator, paced overall and per operator, with paper
// for those without a usable mailbox.
//
// Every message's state goes to the journal before and after each external
// step, keyed by message ID, so a run killed at any instant — kill -9, a
// power cut — and started again with the same input and name skips what is
// done, sends again (with the same ID, which operators deduplicate) what
// may or may not have arrived, and finishes the rest. Messages therefore
// need IDs that are the same on every run (mailing.Source derives them).
//
// An operator that stops answering is paused (see
// Options.BreakerThreshold) while the others go on. A FaR that
// stops answering is asked again with growing waits until the context
// ends. The run ends when the input is exhausted and every message is
// final or given up for this run; the report counts what happened, and the
// journal holds each message's record (journal.Journal List).
//
// The error is about the run itself — the context ended, the journal
// failed, msgs yielded an error (ErrSource: Send stops reading and
// finishes what it started) — not about messages, which the report and
// the journal account for.
func Send(ctx context.Context, s *mm.Sender, msgs iter.Seq2[*message.Message, error], opts Options) (*Report, error) {
	if opts.Name == "" {
		return nil, errors.New("mailing: Options.Name is required")
	}
	if opts.Journal == nil {
		mem := journal.NewMemory(journal.Config{Now: s.Config().Now})
		defer mem.Close()
		opts.Journal = mem
	}
	r := newRun(ctx, s, opts)
	defer r.cancel(nil)
	return r.execute(func() error { return r.produce(msgs) })
}

// ErrSource is wrapped by Send's error when msgs yields an error (a source
// line that could no longer be read, say): Send stops reading, settles what
// it started, and returns the report so far.
var ErrSource = errors.New("the messages could not be read")

func newRun(ctx context.Context, s *mm.Sender, opts Options) *run {
	opts.defaults()
	ctx, cancel := context.WithCancelCause(ctx)
	cfg := s.Config()
	r := &run{
		s: s, cfg: cfg, now: cfg.Now, j: opts.Journal, o: opts, ctx: ctx, cancel: cancel,
		global:   limiter(opts.Rate),
		lanes:    map[message.OrgNumber]*lane{},
		lookupQ:  make(chan *job, opts.LookupBatch),
		paperQ:   make(chan *job, 2*opts.PaperParallel),
		cpu:      make(chan struct{}, runtime.GOMAXPROCS(0)),
		settling: make(chan struct{}, maxSettling),
		spare:    make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)),
		stats:    newStats(cfg.Now()),
	}
	r.newTelemetry()
	return r
}

// run is one Send or Drain call.
type run struct {
	s      *mm.Sender
	cfg    mm.Config // s's configuration
	now    func() time.Time
	j      journal.Journal
	o      Options
	ctx    context.Context
	cancel context.CancelCauseFunc
	global *rate.Limiter
	tel    *telemetry.T // nil without the Sender's providers (telemetry.go)

	mu       sync.Mutex
	lanes    map[message.OrgNumber]*lane
	addrs    map[message.OrgNumber]message.Operator // operators' addresses seen this run
	lookupQ  chan *job
	paperQ   chan *job
	cpu      chan struct{} // a slot per CPU, held while a delivery is signed and sealed
	spare    chan struct{} // a slot per CPU but one, held too by a signer that is ahead (lanes.go)
	settling chan struct{} // a slot per final record pending in the background (settleAfterSend)

	jobs    sync.WaitGroup // messages not yet settled for this run
	workers sync.WaitGroup // goroutines
	stats   *stats

	// worker and lease are set in queue mode (Drain): every record renews
	// the worker's lease on its entry.
	worker string
	lease  time.Duration
	active map[string]bool // message IDs this instance has in flight
}

// job is one message on its way.
type job struct {
	m     *message.Message
	entry journal.Entry       // what the journal holds; zero for a new message
	op    *message.Operator   // where a digital delivery goes
	why   message.PaperReason // why it goes by paper
	// resending is set for a message the journal says may have arrived:
	// it goes to jb.op again, never by FaR's choice.
	resending bool
	// resends counts sends again in this run after no answer.
	resends int
	// declined is the operator's answer when it declined: the paper
	// letter that follows keeps it as evidence.
	declined *receipt.Receipt
}

func limiter(perSecond float64) *rate.Limiter {
	if perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	burst := int(perSecond / 10)
	if burst < 1 {
		burst = 1
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// execute runs the pipeline, fed by produce, until every message is
// settled for this run.
func (r *run) execute(produce func() error) (*Report, error) {
	stopProgress := r.startProgress()
	r.workers.Add(1)
	go r.lookupStage()
	for range r.o.PaperParallel {
		r.workers.Add(1)
		go r.paperWorker()
	}
	srcErr := produce()
	close(r.lookupQ)
	r.jobs.Wait()
	r.mu.Lock()
	for _, l := range r.lanes {
		close(l.q)
	}
	r.mu.Unlock()
	close(r.paperQ)
	r.workers.Wait()
	stopProgress()
	r.progressed()

	rep := &Report{Progress: r.stats.snapshot(r.now(), r.o.Total), Started: r.stats.started, Ended: r.now()}
	rep.Failed = rep.ByState[journal.Failed]
	rep.Unknown = rep.ByState[journal.Unknown]
	if cause := context.Cause(r.ctx); cause != nil {
		return rep, fmt.Errorf("mailing %s stopped: %w", r.o.Name, cause)
	}
	if srcErr != nil {
		return rep, fmt.Errorf("mailing %s: %w: %w", r.o.Name, ErrSource, srcErr)
	}
	return rep, nil
}

// produce reads the input, checks each message against the journal, and
// routes it. It returns the input's first error.
func (r *run) produce(msgs iter.Seq2[*message.Message, error]) error {
	for m, err := range msgs {
		if r.ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		r.stats.seen()
		if m == nil {
			r.stats.unjournaled()
			continue
		}
		m.SetDefaults()
		if err := m.Validate(); err != nil {
			r.refuse(m, err)
			continue
		}
		e, err := r.j.Get(r.ctx, r.o.Name, m.ID)
		switch {
		case errors.Is(err, journal.ErrNotFound):
			e = journal.Entry{}
		case err != nil:
			r.abort(fmt.Errorf("journal: %w", err))
			return nil
		case e.Recipient != m.Recipient:
			r.stats.unjournaled()
			r.warn("message ID reused for another recipient: skipped", m)
			continue
		}
		if e.State != "" && e.State.Resume() == journal.ResumeSkip {
			r.stats.skip()
			continue
		}
		r.dispatch(&job{m: m, entry: e})
	}
	return nil
}

// dispatch starts a message on the way its journal entry calls for.
func (r *run) dispatch(jb *job) {
	r.begin()
	switch {
	case jb.entry.State != "" && jb.entry.State.Resume() == journal.ResumeResend:
		r.resend(jb)
	case r.cfg.PaperPolicyFor(jb.m.Class) == mm.PaperOnly:
		jb.why = message.PaperClassPolicy
		r.toPaper(jb)
	default:
		r.toLookup(jb)
	}
}

// begin and end bracket a job's time in this run.
func (r *run) begin() { r.jobs.Add(1); r.stats.flight(1) }

func (r *run) end(jb *job) {
	if r.worker != "" {
		r.mu.Lock()
		delete(r.active, jb.m.ID)
		r.mu.Unlock()
	}
	r.stats.flight(-1)
	r.jobs.Done()
}

func (r *run) toLookup(jb *job) {
	select {
	case r.lookupQ <- jb:
	case <-r.ctx.Done():
		r.end(jb)
	}
}

// resend routes a message that may or may not have arrived back to the
// channel and operator it was sent on.
func (r *run) resend(jb *job) {
	e := jb.entry
	switch e.Channel {
	case "paper":
		jb.why = e.PaperReason
		r.toPaper(jb)
	default:
		// The operator's address is not journalled: FaR is asked again,
		// and the resend goes to the same operator at its current address.
		op := e.Operator
		jb.op, jb.resending = &op, true
		r.toLookup(jb)
	}
}

// refuse records a message that breaks the rules: it is never sent.
func (r *run) refuse(m *message.Message, cause error) {
	if !m.Recipient.Valid() {
		r.stats.unjournaled()
		r.warn("invalid message without a valid recipient: not journalled", m)
		return
	}
	r.begin()
	r.settle(&job{m: m}, journal.Entry{State: journal.Failed, Error: cause.Error()})
}

// warn logs a message the run passes over, without personal data.
func (r *run) warn(msg string, m *message.Message) {
	if r.cfg.Logger != nil {
		r.cfg.Logger.Warn(msg, "message", m.ID, "recipient", m.Recipient)
	}
}

// abort stops the run for a reason that concerns the whole run.
func (r *run) abort(err error) {
	r.cancel(err)
}
