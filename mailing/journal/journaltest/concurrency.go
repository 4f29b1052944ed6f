package journaltest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testConcurrency runs recorders and claimers side by side (run it with
// -race): every message ends where it should, a race for one transition has
// one winner, and no entry is ever handed to two live leases.
func testConcurrency(t *testing.T, h Harness) {
	t.Run("streaming", func(t *testing.T) {
		f := open(t, h)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					n := w*each + i
					for _, e := range path(n, journal.Delivered, receipt.Digital) {
						if err := f.j.Record(f.ctx, e); err != nil {
							t.Errorf("message %d: %v", n, err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		c, err := f.j.Counts(f.ctx, mailingName)
		require.NoError(t, err)
		assert.Equal(t, map[journal.State]int{journal.Delivered: workers * each}, c.State)
	})

	t.Run("one winner", func(t *testing.T) {
		f := open(t, h)
		f.record(path(1, journal.Sending, receipt.Digital)...)
		sending := f.get(id(1))
		var wins, refused atomic.Int32
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				e := step(sending, journal.Delivered)
				if g%2 == 1 {
					e = step(sending, journal.Failed)
				}
				err := f.j.Record(f.ctx, e)
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, journal.ErrTransition):
					refused.Add(1)
				default:
					t.Errorf("goroutine %d: %v", g, err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load(), "a terminal state is reached once")
		assert.Equal(t, int32(7), refused.Load())
		assert.True(t, f.get(id(1)).State.Terminal())
	})

	t.Run("claims", func(t *testing.T) {
		f := open(t, h)
		const total = 300
		_, err := f.j.Load(f.ctx, mailingName, seq(items(0, total)))
		require.NoError(t, err)
		var mu sync.Mutex
		claimedBy := map[string]string{}
		var wg sync.WaitGroup
		for w := range 6 {
			worker := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					got, err := f.j.Claim(f.ctx, mailingName, worker, 7, time.Hour)
					if err != nil {
						t.Errorf("%s: claim: %v", worker, err)
						return
					}
					if len(got) == 0 {
						return
					}
					for _, e := range got {
						mu.Lock()
						if prev, dup := claimedBy[e.MessageID]; dup {
							t.Errorf("%s claimed by %s and %s", e.MessageID, prev, worker)
						}
						claimedBy[e.MessageID] = worker
						mu.Unlock()
						for _, s := range []journal.State{journal.LookedUp, journal.Sending, journal.Delivered} {
							e = step(e, s)
							if err := f.j.Record(f.ctx, e); err != nil {
								t.Errorf("%s: %s: %v", worker, e.MessageID, err)
								return
							}
						}
					}
				}
			})
		}
		wg.Wait()
		assert.Len(t, claimedBy, total, "every entry claimed exactly once")
		c, err := f.j.Counts(f.ctx, mailingName)
		require.NoError(t, err)
		assert.Equal(t, map[journal.State]int{journal.Delivered: total}, c.State)
	})
}
