package sqlitejournal

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Callers whose Records share one transaction (group commit) are kept
// apart: a refused call writes nothing, and the calls beside it in the same
// group are written whole. The writer is held busy so that every call
// queues, and then all of them go into one group.
func TestSQLiteGroupKeepsCallersApart(t *testing.T) {
	j, err := Open(t.TempDir()+"/j.db", journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	ctx := context.Background()

	// Message 0 is delivered already: recording it queued again is refused.
	for _, s := range crashPath {
		require.NoError(t, j.Record(ctx, crashEntry(0, s, 1)))
	}

	hold, held := make(chan struct{}), make(chan struct{})
	go func() {
		_ = j.w.do(ctx, func(context.Context, *sqliteStmts) error { close(held); <-hold; return nil })
	}()
	<-held

	const n = 16
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Go(func() {
			entries := []journal.Entry{crashEntry(i, journal.Queued, 0), crashEntry(i, journal.LookedUp, 0)}
			if i%4 == 0 { // refused as a whole: its second message goes backwards
				entries = append(entries, crashEntry(0, journal.Queued, 0))
			}
			errs[i] = j.Record(ctx, entries...)
		})
	}
	for deadline := time.Now().Add(10 * time.Second); len(j.w.reqs) < n; {
		require.True(t, time.Now().Before(deadline), "the calls never queued")
		time.Sleep(time.Millisecond)
	}
	groupsBefore := j.w.groups.Load()
	close(hold)
	wg.Wait()
	assert.Equal(t, groupsBefore+1, j.w.groups.Load(), "the held request and all %d calls were one group", n)

	for i := 1; i <= n; i++ {
		e, err := j.Get(ctx, crashMailing, crashID(i))
		if i%4 == 0 {
			assert.True(t, errors.Is(errs[i], journal.ErrTransition), "call %d: %v", i, errs[i])
			assert.True(t, errors.Is(err, journal.ErrNotFound), "call %d was refused, yet message %d was written: %v", i, i, e.State)
			continue
		}
		require.NoError(t, errs[i], "call %d", i)
		require.NoError(t, err, "message %d", i)
		assert.Equal(t, journal.LookedUp, e.State, "message %d", i)
	}
	e, err := j.Get(ctx, crashMailing, crashID(0))
	require.NoError(t, err)
	assert.Equal(t, journal.Delivered, e.State, "the refused calls left message 0 as it was")
}
