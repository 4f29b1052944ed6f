// Package journaltest is the conformance suite for implementations of
// journal.Journal, in the manner of testing/fstest.TestFS: an
// implementation passes Run, and then behaves like every other — the same
// state machine, the same field rules, idempotent Load, leases that never
// overlap and expire on time, queries that agree with what was recorded,
// and, for a journal that persists, the same answers after a reopen.
//
//	func TestConformance(t *testing.T) {
//		journaltest.Run(t, journaltest.Harness{
//			Open: func(t *testing.T, now func() time.Time) journal.Journal {
//				return journal.NewMemory(journal.Config{Now: now})
//			},
//		})
//	}
package journaltest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

// Harness tells the suite how to make the journals it tests.
type Harness struct {
	// Open returns a new, empty journal that reads the time from now. The
	// suite closes it.
	Open func(t *testing.T, now func() time.Time) journal.Journal
	// Reopen, for a journal that persists, closes j and opens the same
	// store again with the clock now. When nil the durability tests are
	// skipped.
	Reopen func(t *testing.T, j journal.Journal, now func() time.Time) journal.Journal
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	t.Helper()
	require.NotNil(t, h.Open, "Harness.Open is required")
	t.Run("StateMachine", func(t *testing.T) { t.Parallel(); testStateMachine(t, h) })
	t.Run("FieldRules", func(t *testing.T) { t.Parallel(); testFieldRules(t, h) })
	t.Run("Record", func(t *testing.T) { t.Parallel(); testRecord(t, h) })
	t.Run("Load", func(t *testing.T) { t.Parallel(); testLoad(t, h) })
	t.Run("Claim", func(t *testing.T) { t.Parallel(); testClaim(t, h) })
	t.Run("Queries", func(t *testing.T) { t.Parallel(); testQueries(t, h) })
	t.Run("Concurrency", func(t *testing.T) { t.Parallel(); testConcurrency(t, h) })
	t.Run("Closed", func(t *testing.T) { t.Parallel(); testClosed(t, h) })
	t.Run("Durability", func(t *testing.T) {
		if h.Reopen == nil {
			t.Skip("the journal does not persist (Harness.Reopen is nil)")
		}
		t.Parallel()
		testDurability(t, h)
	})
}

// Clock is a settable clock for journals under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock that stands at t until moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start is where every test's clock begins.
var start = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

// fixture is one test's journal and clock.
type fixture struct {
	t     *testing.T
	h     Harness
	j     journal.Journal
	clock *Clock
	ctx   context.Context
}

func open(t *testing.T, h Harness) *fixture {
	t.Helper()
	f := &fixture{t: t, h: h, clock: NewClock(start), ctx: t.Context()}
	f.j = h.Open(t, f.clock.Now)
	require.NotNil(t, f.j)
	t.Cleanup(func() {
		if err := f.j.Close(); err != nil && !errors.Is(err, journal.ErrClosed) {
			t.Errorf("close journal: %v", err)
		}
	})
	return f
}

// reopen closes the journal and opens the same store again.
func (f *fixture) reopen() {
	f.t.Helper()
	f.j = f.h.Reopen(f.t, f.j, f.clock.Now)
	require.NotNil(f.t, f.j)
}

// Test data: test personal numbers that belong to nobody, the test
// organisation number, and made-up operators.
const (
	mailingName = "bygglov-2026-11"
	person1     = message.RecipientID("195303231855")
	person2     = message.RecipientID("198101052382")
	person3     = message.RecipientID("199001012385")
	person4     = message.RecipientID("200001012384")
	senderOrg   = message.OrgNumber("162021004748")
)

var (
	persons   = []message.RecipientID{person1, person2, person3, person4}
	operatorA = message.Operator{ID: "165599990001", Name: "Operatör A"}
	operatorB = message.Operator{ID: "165599990002", Name: "Operatör B"}
)

// id returns the n-th test message ID.
func id(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// get reads an entry that must exist.
func (f *fixture) get(messageID string) journal.Entry {
	f.t.Helper()
	e, err := f.j.Get(f.ctx, mailingName, messageID)
	require.NoError(f.t, err)
	return e
}

// record records entries that must be accepted.
func (f *fixture) record(entries ...journal.Entry) {
	f.t.Helper()
	require.NoError(f.t, f.j.Record(f.ctx, entries...))
}

// list collects a listing.
func (f *fixture) list(filter journal.Filter) []journal.Entry {
	f.t.Helper()
	var out []journal.Entry
	for e, err := range f.j.List(f.ctx, mailingName, filter) {
		require.NoError(f.t, err)
		out = append(out, e)
	}
	return out
}

// items returns n load items for test messages from first on.
func items(first, n int) []journal.Item {
	out := make([]journal.Item, n)
	for i := range out {
		out[i] = journal.Item{
			MessageID: id(first + i),
			Recipient: persons[(first+i)%len(persons)],
			Payload:   fmt.Appendf(nil, `{"to":"%s","subject":"Beslut %d"}`, persons[(first+i)%len(persons)], first+i),
		}
	}
	return out
}

// seq turns a slice into the iterator Load takes.
func seq(its []journal.Item) func(func(journal.Item, error) bool) {
	return func(yield func(journal.Item, error) bool) {
		for _, it := range its {
			if !yield(it, nil) {
				return
			}
		}
	}
}
