package mailing

import (
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// stats counts a run's progress; safe for concurrent use.
type stats struct {
	started time.Time

	mu        sync.Mutex
	seenN     int
	done      int
	skipped   int
	inFlight  int
	sends     int
	leases    int // entries another worker took over
	byState   map[journal.State]int
	byChannel map[receipt.Channel]int
	byReason  map[message.PaperReason]int
	pausedOps map[string]int
}

func newStats(now time.Time) *stats {
	return &stats{
		started: now, byState: map[journal.State]int{}, byChannel: map[receipt.Channel]int{},
		byReason: map[message.PaperReason]int{}, pausedOps: map[string]int{},
	}
}

func (s *stats) with(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *stats) seen()        { s.with(func() { s.seenN++ }) }
func (s *stats) skip()        { s.with(func() { s.skipped++ }) }
func (s *stats) flight(d int) { s.with(func() { s.inFlight += d }) }
func (s *stats) sent()        { s.with(func() { s.sends++ }) }
func (s *stats) unjournaled() { s.with(func() { s.done++; s.byState[journal.Failed]++ }) }
func (s *stats) lost()        { s.with(func() { s.leases++ }) }

func (s *stats) inFlightNow() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}
func (s *stats) paused(op string, on bool) {
	s.with(func() {
		if on {
			s.pausedOps[op]++
		} else if s.pausedOps[op]--; s.pausedOps[op] <= 0 {
			delete(s.pausedOps, op)
		}
	})
}

// settled counts a message that reached state st (final, or unknown for
// this run) on channel ch.
func (s *stats) settled(st journal.State, ch receipt.Channel, why message.PaperReason) {
	s.with(func() {
		s.done++
		s.byState[st]++
		if ch != "" {
			s.byChannel[ch]++
		}
		if why != "" && ch == receipt.Paper {
			s.byReason[why]++
		}
	})
}

func (s *stats) snapshot(now time.Time, total int) Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Progress{
		Seen: s.seenN, Done: s.done, Skipped: s.skipped, InFlight: s.inFlight,
		ByState: maps.Clone(s.byState), ByChannel: maps.Clone(s.byChannel), ByReason: maps.Clone(s.byReason),
		Elapsed: now.Sub(s.started), TakenOver: s.leases,
	}
	for op := range s.pausedOps {
		p.Paused = append(p.Paused, op)
	}
	sort.Strings(p.Paused)
	if secs := p.Elapsed.Seconds(); secs > 0 {
		p.Rate = float64(s.done) / secs
	}
	if left := total - s.done - s.skipped; total > 0 && left > 0 && p.Rate > 0 {
		p.ETA = time.Duration(float64(left) / p.Rate * float64(time.Second))
	}
	return p
}

// startProgress calls the progress callback every ProgressEvery until the
// returned stop is called, and once more then.
func (r *run) startProgress() (stop func()) {
	if r.o.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(r.o.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				r.o.Progress(r.stats.snapshot(r.now(), r.o.Total))
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		r.o.Progress(r.stats.snapshot(r.now(), r.o.Total))
	}
}
