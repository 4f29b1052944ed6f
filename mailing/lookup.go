package mailing

import (
	"context"
	"errors"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// lookupStage gathers messages into FaR batches — full, too heavy, or idle
// for a moment — and runs at most LookupParallel lookups at once.
func (r *run) lookupStage() {
	defer r.workers.Done()
	sem := make(chan struct{}, r.o.LookupParallel)
	var batch []*job
	size := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		b := batch
		batch, size = nil, 0
		sem <- struct{}{}
		r.workers.Add(1)
		go func() {
			defer r.workers.Done()
			defer func() { <-sem }()
			r.lookup(b)
		}()
	}
	idle := time.NewTimer(time.Hour)
	defer idle.Stop()
	for {
		idle.Reset(20 * time.Millisecond)
		select {
		case jb, ok := <-r.lookupQ:
			if !ok {
				flush()
				for range cap(sem) { // wait for the lookups under way
					sem <- struct{}{}
				}
				return
			}
			batch = append(batch, jb)
			size += approxSize(jb.m)
			if len(batch) >= r.o.LookupBatch || size >= r.o.MaxBatchBytes {
				flush()
			}
		case <-idle.C:
			flush()
		}
	}
}

func approxSize(m *message.Message) int {
	n := len(m.Body.Text) + 1024
	for _, a := range m.Attachments {
		n += len(a.Data)
	}
	return n
}

// lookup asks FaR about a batch, records the decisions, and routes each
// message. FaR failing is asked again with growing waits: nothing has been
// sent, so waiting is safe.
func (r *run) lookup(batch []*job) {
	ids := make([]message.RecipientID, len(batch))
	for i, jb := range batch {
		ids[i] = jb.m.Recipient
	}
	var decisions []far.Decision
	ctx, span := r.startBatch(len(batch))
	defer span.End()
	wait := time.Second
	for {
		var err error
		decisions, err = r.s.Lookup(ctx, ids...)
		if err == nil {
			break
		}
		if r.ctx.Err() != nil {
			r.drop(batch)
			return
		}
		if r.cfg.Logger != nil {
			r.cfg.Logger.Warn("FaR lookup failed; asking again", "error", err)
		}
		if !sleepCtx(r.ctx, wait) {
			r.drop(batch)
			return
		}
		wait = min(2*wait, 30*time.Second)
	}
	var records []journal.Entry
	for i, jb := range batch {
		d := decisions[i]
		if d.Digital {
			r.learn(d.Operator)
		}
		if jb.resending { // same operator, its current address
			jb.op = r.addressOf(jb.op, d)
			continue
		}
		if d.Digital {
			jb.op = d.Operator
		} else {
			jb.why = d.Reason
		}
		jb.entry = journal.Entry{
			Mailing: r.o.Name, MessageID: jb.m.ID, Recipient: jb.m.Recipient, State: journal.LookedUp,
			Attempts: jb.entry.Attempts, Channel: channelOf(jb), Operator: operatorOf(jb), PaperReason: jb.why,
		}
		r.stamp(&jb.entry)
		records = append(records, jb.entry)
	}
	if len(records) > 0 {
		if err := r.j.Record(r.ctx, records...); err != nil {
			if r.worker != "" && (errors.Is(err, journal.ErrLeaseLost) || errors.Is(err, journal.ErrTransition)) {
				r.recordEach(batch, records)
				return
			}
			r.abort(err)
			r.drop(batch)
			return
		}
	}
	for _, jb := range batch {
		if jb.resending && jb.op == nil {
			// The operator that may hold the message cannot be reached
			// now; the journal keeps it unknown for the next run.
			r.unknown(jb)
			r.end(jb)
			continue
		}
		r.route(jb)
	}
}

// recordEach records a batch's lookups one by one after the batch was
// refused because another worker took some of them over: those are
// dropped, the rest go on.
func (r *run) recordEach(batch []*job, records []journal.Entry) {
	k := 0
	for _, jb := range batch {
		if jb.resending {
			r.route(jb)
			continue
		}
		e := records[k]
		k++
		if err := r.j.Record(r.ctx, e); err != nil {
			if !r.takenOver(jb, err) {
				r.abort(err)
			}
			r.stats.lost()
			r.end(jb)
			continue
		}
		r.route(jb)
	}
}

// drop gives up a batch for this run: nothing was sent, and the journal
// still says queued or looked up, so the next run takes them again.
func (r *run) drop(batch []*job) {
	for _, jb := range batch {
		r.end(jb)
	}
}

func (r *run) route(jb *job) {
	if jb.op != nil {
		r.laneFor(jb.op).push(r, jb)
		return
	}
	r.toPaper(jb)
}

func (r *run) toPaper(jb *job) {
	select {
	case r.paperQ <- jb:
	case <-r.ctx.Done():
		r.end(jb)
	}
}

// learn remembers an operator's address from any answer of this run, for
// resends to an operator FaR no longer names for that recipient.
func (r *run) learn(op *message.Operator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.addrs == nil {
		r.addrs = map[message.OrgNumber]message.Operator{}
	}
	r.addrs[op.ID] = *op
}

// addressOf finds where to resend: the recipient's current answer if it
// still names the same operator, else the address learnt from others; nil
// if neither is known.
func (r *run) addressOf(want *message.Operator, d far.Decision) *message.Operator {
	if d.Digital && d.Operator.ID == want.ID {
		return d.Operator
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if op, ok := r.addrs[want.ID]; ok {
		return &op
	}
	return nil
}

func channelOf(jb *job) receipt.Channel {
	if jb.op != nil {
		return receipt.DigitalChannel(jb.m.Class)
	}
	return receipt.Paper
}

func operatorOf(jb *job) message.Operator {
	if jb.op == nil {
		return message.Operator{}
	}
	return jb.op.Identity()
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
