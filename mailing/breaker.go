package mailing

import (
	"context"
	"sync"
	"time"
)

// breaker pauses an operator that keeps failing without an answer, so that
// a mailing does not hammer an operator that is down while the others go
// on. After threshold such failures in a row it opens for cooldown; then
// the next delivery tries again, and one more failure opens it again.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu        sync.Mutex
	failures  int
	openUntil time.Time
}

// wait blocks while the breaker is open; false when ctx ended.
func (b *breaker) wait(ctx context.Context, st *stats, name string) bool {
	for {
		b.mu.Lock()
		left := b.openUntil.Sub(b.now())
		b.mu.Unlock()
		if left <= 0 {
			return true
		}
		st.paused(name, true)
		ok := sleepCtx(ctx, left)
		st.paused(name, false)
		if !ok {
			return false
		}
	}
}

func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = 0
}

func (b *breaker) failure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	if b.failures >= b.threshold {
		b.openUntil = b.now().Add(b.cooldown)
		b.failures = b.threshold - 1 // one more failure after the pause reopens it
	}
}
