package mailing_test

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// load puts a mailing into a shared journal; the payload is "ID recipient",
// which decode turns back into the message.
func load(t *testing.T, j journal.Journal, name string, ids []message.RecipientID) {
	t.Helper()
	items := func(yield func(journal.Item, error) bool) {
		for k, id := range ids {
			mid := fmt.Sprintf("%s-%06d", name, k)
			if !yield(journal.Item{MessageID: mid, Recipient: id, Payload: []byte(mid + " " + string(id))}, nil) {
				return
			}
		}
	}
	st, err := j.Load(context.Background(), name, iter.Seq2[journal.Item, error](items))
	require.NoError(t, err)
	require.Equal(t, len(ids), st.Added+st.Present)
}

func decode(payload []byte) (*message.Message, error) {
	id, to, ok := strings.Cut(string(payload), " ")
	if !ok {
		return nil, fmt.Errorf("payload %q", payload)
	}
	m := newMessage(to)
	m.ID, m.Attachments = id, nil
	return m, nil
}

// Three instances drain one mailing through one journal: every message is
// settled once, nothing is stored twice, and each did a share.
func TestDrainSharesTheWork(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 600)
	j, err := sqlitejournal.Open(filepath.Join(t.TempDir(), "shared.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	load(t, j, "shared", ids)
	load(t, j, "shared", ids) // loading twice adds nothing

	var wg sync.WaitGroup
	reports := make([]*mailing.Report, 3)
	for k := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := mailing.Drain(context.Background(), s.Sender, decode, mailing.DrainOptions{
				Options: mailing.Options{Name: "shared", Journal: j},
				Worker:  fmt.Sprintf("instance-%d", k), ClaimBatch: 20,
			})
			assert.NoError(t, err)
			reports[k] = rep
		}()
	}
	wg.Wait()
	total := 0
	for k, rep := range reports {
		require.NotNil(t, rep)
		assert.Positive(t, rep.Done, "instance %d did a share", k)
		total += rep.Done
	}
	assert.Equal(t, 600, total, "each message settled by exactly one instance")
	counts, err := j.Counts(context.Background(), "shared")
	require.NoError(t, err)
	assert.True(t, counts.Done())
	assert.Equal(t, 420, counts.State[journal.Delivered])
	stored := map[string]int{}
	for _, d := range s.Infra.Deliveries() {
		stored[d.Message.ID]++
	}
	assert.Len(t, stored, 420)
	for id, n := range stored {
		assert.Equal(t, 1, n, id)
	}
	assert.Zero(t, s.Infra.Duplicates())
}

// hanging is a journal whose instance hangs after a while, as a process
// stopped in a debugger or cut off from the database does: its leases
// expire and another instance takes its messages over.
type hanging struct {
	journal.Journal
	left atomic.Int64
	stop chan struct{}
}

func (h *hanging) Record(ctx context.Context, es ...journal.Entry) error {
	if h.left.Add(-1) < 0 {
		select {
		case <-h.stop:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	return h.Journal.Record(ctx, es...)
}

func TestDrainTakesOverExpiredLeases(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 200)
	j := journal.NewMemory(journal.Config{})
	load(t, j, "takeover", ids)

	h := &hanging{Journal: j, stop: make(chan struct{})}
	h.left.Store(15)
	hungCtx, killHung := context.WithCancel(context.Background())
	hungDone := make(chan struct{})
	go func() {
		defer close(hungDone)
		_, _ = mailing.Drain(hungCtx, s.Sender, decode, mailing.DrainOptions{
			Options: mailing.Options{Name: "takeover", Journal: h},
			Worker:  "hung", Lease: 500 * time.Millisecond, ClaimBatch: 20,
		})
	}()
	time.Sleep(300 * time.Millisecond) // the first instance claims and hangs

	rep, err := mailing.Drain(context.Background(), s.Sender, decode, mailing.DrainOptions{
		Options: mailing.Options{Name: "takeover", Journal: j},
		Worker:  "healthy", Lease: 500 * time.Millisecond, ClaimBatch: 20, Idle: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	killHung()
	<-hungDone
	counts, err := j.Counts(context.Background(), "takeover")
	require.NoError(t, err)
	assert.True(t, counts.Done(), "%v", counts.State)
	assert.Equal(t, 200, counts.Total)
	stored := map[string]int{}
	for _, d := range s.Infra.Deliveries() {
		stored[d.Message.ID]++
	}
	for id, n := range stored {
		assert.Equal(t, 1, n, id)
	}
	assert.Len(t, stored, 140)
	t.Logf("the healthy instance settled %d, the hung one's leases expired", rep.Done)
	_ = fakeinfra.EndpointRecipient
}
