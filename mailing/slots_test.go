package mailing_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
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
