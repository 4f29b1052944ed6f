package fakeinfra

import (
	"sync"
	"time"
)

// clock is the fake's settable time. Until set it follows the real clock.
type clock struct {
	mu     sync.Mutex
	fixed  time.Time
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fixed.IsZero() {
		return c.fixed
	}
	return time.Now().Add(c.offset)
}

// SetTime stops the fake's clock at t. The operators read it to check
// certificates and to stamp what they store.
func (i *Infra) SetTime(t time.Time) {
	i.clock.mu.Lock()
	defer i.clock.mu.Unlock()
	i.clock.fixed = t
}

// Advance moves the fake's clock forward by d.
func (i *Infra) Advance(d time.Duration) {
	i.clock.mu.Lock()
	defer i.clock.mu.Unlock()
	if i.clock.fixed.IsZero() {
		i.clock.offset += d
	} else {
		i.clock.fixed = i.clock.fixed.Add(d)
	}
}

// Now is the fake's current time.
func (i *Infra) Now() time.Time { return i.clock.now() }
