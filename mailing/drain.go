package mailing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
)

// DrainOptions add to Options what draining a shared mailing needs. Zero
// fields take the defaults (DefaultLease, DefaultClaimBatch, DefaultIdle).
type DrainOptions struct {
	Options
	// Worker names this instance in the journal's leases (default: host
	// name and process ID). Every instance needs its own.
	Worker string
	// Lease is how long a claimed message stays this instance's without a
	// word from it (default 2 minutes); every record renews it. An
	// instance that dies loses its messages to the others when their
	// leases expire.
	Lease time.Duration
	// ClaimBatch is how many messages are claimed at a time (default 50).
	ClaimBatch int
	// Idle is how long to wait before asking again when nothing is
	// claimable but the mailing is not done (default 200 ms).
	Idle time.Duration
}

// Drain sends a mailing that was loaded into a shared journal
// (journal.Journal.Load), as one of any number of instances on any number
// of machines: it claims messages in small batches under a lease, rebuilds
// each from its payload with decode, and sends it as Send does — the
// same journal records before and after every step, the same pacing,
// breakers and paper fallback. It returns when every message of the
// mailing is final (whoever settled it) or ctx ends.
//
// Nothing but the journal coordinates the instances. A message is claimed
// by one live lease at a time; an instance that dies leaves its messages
// leased until the leases expire, then another takes them over and sends
// again with the same message ID what may already have arrived — operators
// deduplicate by ID. Rates in the options apply per instance.
func Drain(ctx context.Context, s *mm.Sender, decode func(payload []byte) (*message.Message, error), opts DrainOptions) (*Report, error) {
	if opts.Name == "" || opts.Journal == nil {
		return nil, errors.New("mailing: Drain needs Options.Name and a shared Options.Journal")
	}
	if opts.Worker == "" {
		host, _ := os.Hostname()
		opts.Worker = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	opts.defaults()
	r := newRun(ctx, s, opts.Options)
	defer r.cancel(nil)
	r.worker, r.lease, r.active = opts.Worker, opts.Lease, map[string]bool{}
	return r.execute(func() error { r.claim(decode, opts); return nil })
}

// claim feeds the pipeline from the journal, keeping a bounded number of
// messages in flight, until the mailing is done.
func (r *run) claim(decode func([]byte) (*message.Message, error), opts DrainOptions) {
	maxInFlight := 4 * opts.ClaimBatch
	for r.ctx.Err() == nil {
		if r.stats.inFlightNow() > maxInFlight-opts.ClaimBatch {
			sleepCtx(r.ctx, 10*time.Millisecond)
			continue
		}
		es, err := r.j.Claim(r.ctx, r.o.Name, r.worker, opts.ClaimBatch, r.lease)
		if err != nil {
			if r.ctx.Err() == nil {
				r.abort(fmt.Errorf("journal: claim: %w", err))
			}
			return
		}
		if len(es) == 0 {
			if r.stats.inFlightNow() == 0 {
				c, err := r.j.Counts(r.ctx, r.o.Name)
				if err != nil {
					if r.ctx.Err() == nil {
						r.abort(fmt.Errorf("journal: %w", err))
					}
					return
				}
				if c.Done() {
					return
				}
			}
			sleepCtx(r.ctx, opts.Idle)
			continue
		}
		for _, e := range es {
			// Claimed again while still in flight here (its lease ran out
			// while it waited): the renewed lease is all that is new.
			r.mu.Lock()
			again := r.active[e.MessageID]
			r.active[e.MessageID] = true
			r.mu.Unlock()
			if again {
				continue
			}
			r.stats.seen()
			m, err := decode(e.Payload)
			switch {
			case err != nil:
				err = fmt.Errorf("the loaded payload does not make a message: %w", err)
			case m.ID != e.MessageID || m.Recipient != e.Recipient:
				err = errors.New("the loaded payload is another message than its entry")
			default:
				m.SetDefaults()
				err = m.Validate()
			}
			if err != nil {
				r.begin()
				r.settle(&job{m: &message.Message{ID: e.MessageID, Recipient: e.Recipient}, entry: e}, journal.Entry{State: journal.Failed, Error: err.Error()})
				continue
			}
			r.dispatch(&job{m: m, entry: e})
		}
	}
}
