package mailing_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"iter"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Pacing: the limiter allows at most Rate sends a second after its burst,
// so the run cannot be faster than (n - burst) / Rate. The observed rate is
// logged for the record.
func TestSendAllPacing(t *testing.T) {
	t.Parallel()
	const n, perSecond = 120, 40.0
	var mu sync.Mutex
	var first, last time.Time
	s := start(t, func(c *mm.Config) {
		c.OnEvent = func(e mm.Event) {
			if e.Kind == mm.EventDelivered {
				mu.Lock()
				now := time.Now()
				if first.IsZero() {
					first = now
				}
				last = now
				mu.Unlock()
			}
		}
	})
	ids := make([]message.RecipientID, n)
	for k := range n {
		ids[k] = testPerson(k)
		require.NoError(t, s.Infra.AddRecipient(string(ids[k]), fakeinfra.Mailbox(s.Infra.Operators()[k%4])))
	}
	rep, err := mailing.Send(context.Background(), s.Sender, mailingOf(ids, "paced"), mailing.Options{Name: "paced", Rate: perSecond, PerOperator: 8})
	require.NoError(t, err)
	require.Equal(t, n, rep.ByState[journal.Delivered])
	burst := 4 // Options: a tenth of the rate
	floor := time.Duration(float64(n-burst) / perSecond * float64(time.Second))
	assert.GreaterOrEqual(t, rep.Elapsed, floor, "the limiter allows no more than the rate")
	// Completions can bunch (the limiter paces the starts), so the wall
	// rate is reported, not asserted.
	overRun := float64(n) / rep.Elapsed.Seconds()
	overDeliveries := float64(n-1) / last.Sub(first).Seconds()
	t.Logf("pacing: asked %.0f/s; observed %.1f/s over the run (%+.1f%%), %.1f/s between first and last delivery; run %s",
		perSecond, overRun, 100*(overRun-perSecond)/perSecond, overDeliveries, rep.Elapsed)
}

var memoryN = flag.Int("mailing.memory", 20_000, "messages in the flat-memory test (the note reports 20k and 200k)")

// discard is a journal that keeps nothing, so that the memory test measures
// the pipeline alone.
type discard struct{ journal.Journal }

func (discard) Get(context.Context, string, string) (journal.Entry, error) {
	return journal.Entry{}, journal.ErrNotFound
}
func (discard) Record(context.Context, ...journal.Entry) error { return nil }

// The input is streamed, never collected: the heap's peak does not grow
// with the number of messages.
func TestSendAllMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams thousands of messages")
	}
	infra := fakeinfra.Start(t)
	var papered atomic.Int64
	cfg := infra.SenderConfig()
	cfg.Paper = mm.PaperFunc(func(context.Context, *message.Message, message.PaperReason) error { papered.Add(1); return nil })
	s, err := mm.New(cfg)
	require.NoError(t, err)
	text := fmt.Sprintf("%01024d", 0)
	msgs := func(n int) iter.Seq2[*message.Message, error] {
		return func(yield func(*message.Message, error) bool) {
			for k := range n {
				m := newMessage(string(testPerson(k % 100_000)))
				m.ID, m.Attachments, m.Body.Text = fmt.Sprintf("mem-%07d", k), nil, text
				if !yield(m, nil) {
					return
				}
			}
		}
	}
	peak := func(n int) uint64 {
		runtime.GC()
		var max atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > max.Load() {
					max.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		rep, err := mailing.Send(context.Background(), s, msgs(n), mailing.Options{Name: fmt.Sprint("mem", n), Journal: discard{}, PaperParallel: 8})
		close(stop)
		<-done
		require.NoError(t, err)
		require.Equal(t, n, rep.ByState[journal.Paper])
		return max.Load()
	}
	small := peak(*memoryN / 10)
	large := peak(*memoryN)
	t.Logf("heap peak: %d messages %.1f MiB, %d messages %.1f MiB; process peak RSS %s", *memoryN/10, float64(small)/(1<<20), *memoryN, float64(large)/(1<<20), peakRSS())
	assert.Less(t, large, uint64(64<<20), "a fixed bound, whatever the count")
	assert.Less(t, float64(large), 2*float64(small)+16<<20, "ten times the messages, about the same peak")
}

// peakRSS reads the process's peak resident set from Linux's /proc.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// A run stopped midway leaves a consistent journal; the next run finishes
// without sending anything twice.
func TestSendAllCancelThenResume(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 400)
	j := journal.NewMemory(journal.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	rep, err := mailing.Send(ctx, s.Sender, mailingOf(ids, "cut"), mailing.Options{
		Name: "cut", Journal: j, Rate: 200, ProgressEvery: 20 * time.Millisecond,
		Progress: func(p mailing.Progress) {
			if p.Done > 50 {
				once.Do(cancel)
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, rep.Done, 400)
	rep, err = mailing.Send(context.Background(), s.Sender, mailingOf(ids, "cut"), mailing.Options{Name: "cut", Journal: j})
	require.NoError(t, err)
	counts, err := j.Counts(context.Background(), "cut")
	require.NoError(t, err)
	assert.Equal(t, 400, counts.Total)
	assert.True(t, counts.Done())
	stored := map[string]int{}
	for _, d := range s.Infra.Deliveries() {
		stored[d.Message.ID]++
	}
	assert.Len(t, stored, 280)
	for id, k := range stored {
		assert.Equal(t, 1, k, id)
	}
	t.Logf("second run settled %d, skipped %d", rep.Done, rep.Skipped)
}

// failing is a journal whose writes fail after a while, as a full disk
// does.
type failing struct {
	journal.Journal
	left atomic.Int64
}

var errDiskFull = errors.New("disk full")

func (f *failing) Record(ctx context.Context, es ...journal.Entry) error {
	if f.left.Add(-1) < 0 {
		return errDiskFull
	}
	return f.Journal.Record(ctx, es...)
}

// A journal that cannot record stops the run: sending on without a record
// would lose the ability to resume.
func TestSendAllStopsWhenTheJournalFails(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 200)
	j := &failing{Journal: journal.NewMemory(journal.Config{})}
	j.left.Store(30)
	rep, err := mailing.Send(context.Background(), s.Sender, mailingOf(ids, "full"), mailing.Options{Name: "full", Journal: j})
	require.ErrorIs(t, err, errDiskFull)
	assert.Less(t, rep.Done, 200)
	assert.Less(t, len(s.Infra.Deliveries()), 60, "it stopped soon")
}

func TestSendAllClassesAndPolicies(t *testing.T) {
	t.Parallel()
	s := start(t, func(c *mm.Config) {
		c.PaperPolicy = map[securityclass.Class]mm.PaperPolicy{securityclass.Class2: mm.PaperOnly, securityclass.Class1: mm.NoPaperFallback}
	})
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, s.Infra.AddRecipient(bob, fakeinfra.NoMailbox()))
	c1, c1paper, c2 := class1(alice), class1(bob), newMessage(alice)
	c1.ID, c1paper.ID, c2.ID = "c1", "c1-nomailbox", "c2"
	c2.Class = securityclass.Class2
	invalid := newMessage(alice)
	invalid.ID, invalid.Subject = "bad", ""
	msgs := func(yield func(*message.Message, error) bool) {
		for _, m := range []*message.Message{c1, c1paper, c2, invalid} {
			if !yield(m, nil) {
				return
			}
		}
	}
	j := journal.NewMemory(journal.Config{})
	rep, err := mailing.Send(context.Background(), s.Sender, msgs, mailing.Options{Name: "classes", Journal: j})
	require.NoError(t, err)
	get := func(id string) journal.Entry {
		e, err := j.Get(context.Background(), "classes", id)
		require.NoError(t, err)
		return e
	}
	assert.Equal(t, journal.Delivered, get("c1").State)
	assert.Equal(t, "notification", string(get("c1").Channel))
	assert.Equal(t, journal.Failed, get("c1-nomailbox").State, "class 1 has no paper fallback here")
	assert.Equal(t, journal.Paper, get("c2").State)
	assert.Equal(t, message.PaperClassPolicy, get("c2").PaperReason)
	assert.Equal(t, journal.Failed, get("bad").State)
	assert.Contains(t, get("bad").Error, "Subject: required")
	assert.Equal(t, 2, rep.Failed)
}
