package mailing

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"golang.org/x/time/rate"
)

// lane is one operator's queue: its own workers, pace and breaker, so that
// a slow or failing operator holds up only its own recipients.
//
// A delivery is CPU work — two RSA signatures — then a network round
// trip. The lane's PerOperator slots bound the round trips alone: a worker
// signs and seals (holding one of the run's CPU slots, so that signing
// goes in turn instead of every worker at once) while the journal writes
// the sending state, and only then takes a slot and sends. The lane has
// a worker per slot, one more per CPU and extraWorkers, so that the next
// deliveries are being prepared and recorded while every slot is on the
// wire.
type lane struct {
	name    string
	q       chan *job
	slots   chan struct{}
	limit   *rate.Limiter
	breaker breaker
	ahead   atomic.Int32 // messages signed, recorded and waiting for a slot
}

// laneFor returns the lane of an operator, starting it on first use.
func (r *run) laneFor(op *message.Operator) *lane {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.lanes[op.ID]; ok {
		return l
	}
	l := &lane{name: op.Name, q: make(chan *job, 2*r.o.PerOperator), slots: make(chan struct{}, r.o.PerOperator), limit: limiter(r.o.OperatorRate)}
	l.breaker = breaker{threshold: r.o.BreakerThreshold, cooldown: r.o.BreakerCooldown, now: r.now}
	r.lanes[op.ID] = l
	for range r.o.PerOperator + cap(r.cpu) + extraWorkers {
		r.workers.Add(1)
		go r.laneWorker(l)
	}
	return l
}

func (l *lane) push(r *run, jb *job) {
	select {
	case l.q <- jb:
	case <-r.ctx.Done():
		r.end(jb)
	}
}

func (r *run) laneWorker(l *lane) {
	defer r.workers.Done()
	for jb := range l.q {
		r.deliver(l, jb)
	}
}

// deliver sends one message to its operator: recorded as sending before the
// request leaves, then as what the answer says.
func (r *run) deliver(l *lane, jb *job) {
	if r.ctx.Err() != nil || !l.breaker.wait(r.ctx, r.stats, l.name) ||
		r.global.Wait(r.ctx) != nil || l.limit.Wait(r.ctx) != nil {
		r.end(jb) // not sent: the journal keeps its earlier state for the next run
		return
	}
	before := journal.Entry{State: journal.Sending, Channel: channelOf(jb), Operator: operatorOf(jb), Attempts: jb.entry.Attempts + 1}
	if jb.entry.State == journal.Sending || jb.entry.State == journal.Unknown {
		// A request may already have landed: a resend is recorded as
		// unknown, one attempt more.
		before.State, before.Error = journal.Unknown, "sent again after a request that got no answer"
	}
	rc, ok, err := r.prepareAndSend(l, jb, before)
	if !ok {
		return
	}
	switch {
	case err == nil && rc.State == receipt.StateDelivered:
		l.breaker.success()
		r.settleAfterSend(jb, journal.Entry{State: journal.Delivered, Channel: jb.entry.Channel, Operator: jb.entry.Operator, Receipt: rc})
	case err == nil && rc.State == receipt.StateDeclined:
		l.breaker.success()
		jb.declined, jb.why = rc, message.PaperOperatorDeclined
		r.toPaper(jb)
	case errors.Is(err, mm.ErrMaybeDelivered):
		l.breaker.failure()
		if !r.record(jb, journal.Entry{State: journal.Unknown, Channel: jb.entry.Channel, Operator: jb.entry.Operator, Error: err.Error(), Receipt: rc}) {
			return
		}
		r.again(l, jb)
	default:
		l.breaker.success() // the operator answered, or nothing left: it is not the operator's health
		r.settleAfterSend(jb, journal.Entry{State: journal.Failed, Channel: jb.entry.Channel, Operator: jb.entry.Operator, Error: errText(err), Receipt: rc})
	}
}

// prepareAndSend records before while it signs and seals jb — the record
// is on disk before anything leaves — then sends it in one of the lane's
// slots. It returns false when jb went no further: the record failed (and
// ended jb), or the run stopped before a slot came free, which leaves the
// journal's sending state for the next run to send again, as after a
// crash.
func (r *run) prepareAndSend(l *lane, jb *job, before journal.Entry) (*receipt.Receipt, bool, error) {
	recorded := make(chan bool, 1)
	go func() { recorded <- r.recordIn(journal.Patient(r.ctx, sendingPatience), jb, before) }()
	// With a message of this lane already signed and waiting for a slot,
	// this one is not needed yet: it signs within r.spare, which leaves a
	// CPU to the network work of the requests in flight (reading answers,
	// their TLS, the timers that wake them) instead of making it wait
	// behind RSA. A lane that has nothing waiting signs at once.
	ahead := l.ahead.Load() > 0
	if ahead {
		r.spare <- struct{}{}
	}
	r.cpu <- struct{}{}
	p, err := r.s.Prepare(r.ctx, jb.m, *jb.op)
	<-r.cpu
	if ahead {
		<-r.spare
	}
	if !<-recorded {
		return nil, false, nil
	}
	r.stats.sent()
	if err != nil {
		return nil, true, err
	}
	l.ahead.Add(1)
	select {
	case l.slots <- struct{}{}:
		l.ahead.Add(-1)
	case <-r.ctx.Done():
		l.ahead.Add(-1)
		r.end(jb)
		return nil, false, nil
	}
	defer func() { <-l.slots }()
	rc, err := r.s.DeliverPrepared(r.ctx, p)
	return rc, true, err
}

// again sends an unanswered message once more after a wait, or leaves it
// unknown for the next run.
func (r *run) again(l *lane, jb *job) {
	if jb.resends >= r.o.ResendUnknown || r.ctx.Err() != nil {
		r.unknown(jb)
		r.end(jb)
		return
	}
	wait := r.o.ResendWait << jb.resends
	jb.resends++
	go func() {
		if !sleepCtx(r.ctx, wait) {
			r.unknown(jb)
			r.end(jb)
			return
		}
		l.push(r, jb)
	}()
}

// paperWorker hands messages to paper mail.
func (r *run) paperWorker() {
	defer r.workers.Done()
	for jb := range r.paperQ {
		r.paperOne(jb)
	}
}

func (r *run) paperOne(jb *job) {
	if r.ctx.Err() != nil || r.global.Wait(r.ctx) != nil {
		r.end(jb)
		return
	}
	final := journal.Paper
	if jb.declined != nil {
		final = journal.DeclinedThenPaper
	}
	if err := r.s.PaperAllowed(jb.m, jb.why); err != nil {
		r.settle(jb, journal.Entry{State: journal.Failed, Channel: jb.entry.Channel, Operator: jb.entry.Operator, Error: err.Error(), Receipt: jb.declined})
		return
	}
	before := journal.Entry{State: journal.Sending, Channel: receipt.Paper, PaperReason: jb.why, Operator: jb.entry.Operator, Attempts: jb.entry.Attempts + 1}
	if (jb.entry.State == journal.Unknown || jb.entry.State == journal.Sending) && jb.entry.Channel == receipt.Paper {
		// A crash while paper mail was handed over: hand it again, which
		// the paper hook must take as the same letter (paperdir.Dir does).
		before.State, before.Error = journal.Unknown, "paper mail handed again after a crash"
	}
	if !r.record(jb, before) {
		return
	}
	r.stats.sent()
	rc, err := r.s.Paper(r.ctx, jb.m, jb.why, jb.declined)
	if err != nil {
		r.settle(jb, journal.Entry{State: journal.Failed, Channel: receipt.Paper, PaperReason: jb.why, Operator: jb.entry.Operator, Error: errText(err), Receipt: rc})
		return
	}
	r.settle(jb, journal.Entry{State: final, Channel: receipt.Paper, PaperReason: jb.why, Operator: jb.entry.Operator, Receipt: rc})
}

// record writes a state of jb; false when jb must go no further. In queue
// mode it renews the worker's lease; an entry another worker has taken over
// (its lease expired) is dropped here, not an error: that worker sends it.
func (r *run) record(jb *job, e journal.Entry) bool {
	return r.recordIn(r.ctx, jb, e)
}

// recordIn is record with the context for the journal: r.ctx, or r.ctx
// made unhurried.
func (r *run) recordIn(ctx context.Context, jb *job, e journal.Entry) bool {
	e.Mailing, e.MessageID, e.Recipient = r.o.Name, jb.m.ID, jb.m.Recipient
	if e.Attempts < jb.entry.Attempts {
		e.Attempts = jb.entry.Attempts
	}
	r.stamp(&e)
	if err := r.j.Record(ctx, e); err != nil {
		if r.takenOver(jb, err) {
			r.stats.lost()
			r.end(jb)
			return false
		}
		r.abort(fmt.Errorf("journal: message %s: %w", jb.m.ID, err))
		r.end(jb)
		return false
	}
	jb.entry = e
	return true
}

// takenOver reports whether a refused record means another instance has the
// message now (queue mode): its lease is live, or it settled the message
// after this instance's lease ran out.
func (r *run) takenOver(jb *job, err error) bool {
	if r.worker == "" {
		return false
	}
	if errors.Is(err, journal.ErrLeaseLost) {
		return true
	}
	if !errors.Is(err, journal.ErrTransition) {
		return false
	}
	cur, gerr := r.j.Get(r.ctx, r.o.Name, jb.m.ID)
	return gerr == nil && (cur.State.Terminal() || (cur.Lease.Worker != r.worker && cur.Lease.Live(r.now())))
}

// stamp renews the worker's lease on e in queue mode.
func (r *run) stamp(e *journal.Entry) {
	if r.worker != "" {
		e.Lease = journal.Lease{Worker: r.worker, Until: r.now().Add(r.lease)}
	}
}

// settle records jb's final state for this run and ends it.
func (r *run) settle(jb *job, e journal.Entry) {
	r.settleIn(r.ctx, jb, e)
}

func (r *run) settleIn(ctx context.Context, jb *job, e journal.Entry) {
	if !r.recordIn(ctx, jb, e) {
		return
	}
	r.stats.settled(e.State, e.Channel, e.PaperReason)
	r.counted(jb, e)
	r.end(jb)
}

// settleAfterSend settles jb in the background, so that the worker takes
// its next message while the final state is written. This is safe because
// the sending state is already on disk: a crash before the final state
// lands leaves the message sending, and the next run asks the same operator
// again with the same message ID, which the operator answers from what it
// stored. The run still waits for the record (the job ends only once it is
// written), and a journal error still stops the run. Nothing waits on the
// record but the job's end, so it is unhurried (journal.Unhurried): the
// journal may fold it into the commit of another worker's sending record
// rather than pay an fsync of its own.
//
// At most maxSettling such records are pending at once; beyond, the worker
// waits for one to land before it goes on. A journal that stalls (a long
// checkpoint) so holds the mailing back instead of gathering goroutines,
// each holding its message, without bound.
func (r *run) settleAfterSend(jb *job, e journal.Entry) {
	r.settling <- struct{}{}
	go func() {
		defer func() { <-r.settling }()
		r.settleIn(journal.Unhurried(r.ctx), jb, e)
	}()
}

// maxSettling bounds the final records pending at once (settleAfterSend):
// a mailing of 700 messages/s whose final records wait up to 50 ms for a
// commit has about 35 pending.
const maxSettling = 256

func errText(err error) string {
	if err == nil {
		return "unknown failure"
	}
	return err.Error()
}

// sendingPatience is how long the journal may hold a message's sending
// record back so that it shares a commit — an fsync — with the records of
// other messages (journal.Patient). The worker signs and seals meanwhile
// (about 2 ms of CPU), and needs the record only before the request leaves:
// waiting a little longer costs the message a few milliseconds and the
// mailing nothing, since other workers go on. Measured with the SQLite
// journal (BenchmarkSendAll journal=cost, median of three runs), the
// journal cost 16–20% of throughput when each sending record was committed
// as it came, 7% with 5 ms, 6.5% with 10 ms or 20 ms.
//
// extraWorkers are the workers a lane has beyond one per slot and one per
// CPU: messages whose sending record waits for its commit hold a worker
// each, and without them a lane's slots would wait for those records.
const (
	sendingPatience = 10 * time.Millisecond
	extraWorkers    = 4
)
