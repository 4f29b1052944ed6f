package mailing_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inFlight counts the requests under way to each host, and the most seen.
type inFlight struct {
	rt  http.RoundTripper
	mu  sync.Mutex
	now map[string]int
	max map[string]int
}

func (f *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now[r.URL.Host]++
	f.max[r.URL.Host] = max(f.max[r.URL.Host], f.now[r.URL.Host])
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now[r.URL.Host]--
		f.mu.Unlock()
	}()
	return f.rt.RoundTrip(r)
}

// Signing happens outside the lane's slots, and a lane has more workers
// than slots, but no more than PerOperator requests are ever on their way
// to one operator.
func TestPerOperatorBoundsRequestsInFlight(t *testing.T) {
	t.Parallel()
	const perOperator = 3
	infra := fakeinfra.Start(t)
	var ids []message.RecipientID
	for k := range 120 {
		id := testPerson(k)
		require.NoError(t, infra.AddRecipient(string(id), fakeinfra.Mailbox(infra.Operators()[k%4])))
		ids = append(ids, id)
	}
	for _, op := range infra.Operators() {
		infra.Inject(fakeinfra.Latency(fakeinfra.OperatorEndpoint(op), 20*time.Millisecond))
	}
	counter := &inFlight{rt: infra.HTTPClient().Transport, now: map[string]int{}, max: map[string]int{}}
	cfg := infra.SenderConfig()
	cfg.HTTPClient = &http.Client{Transport: counter}
	s, err := mm.New(cfg)
	require.NoError(t, err)
	rep, err := mailing.Send(context.Background(), s, mailingOf(ids, "slots"), mailing.Options{Name: "slots", PerOperator: perOperator})
	require.NoError(t, err)
	require.Equal(t, len(ids), rep.ByState[journal.Delivered], "%v", rep.ByState)

	counter.mu.Lock()
	defer counter.mu.Unlock()
	operators := 0
	for _, op := range infra.Operators() {
		u, err := url.Parse(infra.OperatorURL(op))
		require.NoError(t, err)
		host := u.Host
		if most, ok := counter.max[host]; ok {
			operators++
			assert.LessOrEqual(t, most, perOperator, "requests in flight to %s", op)
		}
	}
	assert.Equal(t, len(infra.Operators()), operators, "every operator was called: %v", counter.max)
}

// gatedJournal holds every unhurried Record (a sent message's final
// state) until open is closed, and counts those it holds.
type gatedJournal struct {
	journal.Journal
	open       chan struct{}
	held, most atomic.Int64
}

func (g *gatedJournal) Record(ctx context.Context, entries ...journal.Entry) error {
	if journal.IsUnhurried(ctx) {
		n := g.held.Add(1)
		for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
		}
		<-g.open
		g.held.Add(-1)
	}
	return g.Journal.Record(ctx, entries...)
}

// A journal that stalls holds the mailing back: no more than MaxSettling
// final records wait at once, each with its message, however many
// messages remain; once the journal moves, every message is settled.
func TestStalledJournalHoldsTheMailingBack(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	var ids []message.RecipientID
	for k := range mailing.MaxSettling + 150 {
		id := testPerson(k)
		require.NoError(t, infra.AddRecipient(string(id), fakeinfra.Mailbox(infra.Operators()[k%4])))
		ids = append(ids, id)
	}
	s, err := mm.New(infra.SenderConfig())
	require.NoError(t, err)
	mem := journal.NewMemory(journal.Config{})
	defer mem.Close()
	g := &gatedJournal{Journal: mem, open: make(chan struct{})}
	done := make(chan *mailing.Report, 1)
	go func() {
		rep, err := mailing.Send(context.Background(), s, mailingOf(ids, "stalled"), mailing.Options{Name: "stalled", Journal: g})
		assert.NoError(t, err)
		done <- rep
	}()
	for deadline := time.Now().Add(60 * time.Second); g.held.Load() < mailing.MaxSettling; {
		require.True(t, time.Now().Before(deadline), "only %d final records ever waited", g.held.Load())
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // time for more to pile up, if they could
	assert.Equal(t, int64(mailing.MaxSettling), g.most.Load(), "final records waiting at once")
	close(g.open)
	rep := <-done
	assert.Equal(t, len(ids), rep.ByState[journal.Delivered], "%v", rep.ByState)
}
