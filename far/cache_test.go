package far_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testClock is a settable clock for Config.Now.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// cachingClient is a client of infra with a one-minute cache on clock.
func cachingClient(t *testing.T, infra *fakeinfra.Infra, clock *testClock) *far.Client {
	t.Helper()
	cfg := far.Config{Endpoints: infra.FaR(), HTTPClient: infra.HTTPClient(), CacheTTL: time.Minute}
	quick(&cfg)
	cfg.Now = clock.Now
	c, err := far.New(cfg)
	require.NoError(t, err)
	return c
}

func TestCache(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))
	clock := &testClock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	c := cachingClient(t, infra, clock)
	ctx := context.Background()
	calls := func() int { return infra.Requests(fakeinfra.EndpointRecipient) }

	first, err := c.IsReachable(ctx, sender, alice, bob)
	require.NoError(t, err)
	require.Equal(t, 1, calls())
	assert.True(t, first[0].Decide().Digital)

	// FaR changes its mind; within the TTL the cache does not notice.
	add(t, infra, alice, fakeinfra.NoMailbox())
	add(t, infra, carl, fakeinfra.Mailbox("billo"))
	clock.Advance(59 * time.Second)
	got, err := c.IsReachable(ctx, sender, bob, alice, bob)
	require.NoError(t, err)
	assert.Equal(t, 1, calls(), "all cached: no call")
	assert.Equal(t, []far.Reachability{first[1], first[0], first[1]}, got)

	// A new id is asked alone; the cached ones keep their old answers.
	got, err = c.IsReachable(ctx, sender, alice, carl)
	require.NoError(t, err)
	assert.Equal(t, 2, calls())
	assert.True(t, got[0].Decide().Digital, "cached")
	assert.True(t, got[1].Decide().Digital, "asked now")
	assert.Equal(t, []message.RecipientID{alice, carl}, recipients(got))

	// Past the TTL the answer is asked again, and is the new one.
	clock.Advance(time.Second)
	got, err = c.IsReachable(ctx, sender, alice)
	require.NoError(t, err)
	assert.Equal(t, 3, calls())
	assert.Equal(t, message.PaperNoMailbox, got[0].Decide().Reason)

	// isRegistered is never cached.
	_, err = c.IsRegistered(ctx, alice)
	require.NoError(t, err)
	_, err = c.IsRegistered(ctx, alice)
	require.NoError(t, err)
	assert.Equal(t, 5, calls())
}

// The cache keeps each sender's answers apart: acceptance is per sender.
func TestCachePerSender(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	_, err := infra.AddSender(string(otherSender), "Kommun B")
	require.NoError(t, err)
	leaf, err := infra.Issue(broker, "Förmedlare AB")
	require.NoError(t, err)
	_, err = infra.AddIntermediary(string(broker), "Förmedlare AB", sender, otherSender)
	require.NoError(t, err)
	add(t, infra, alice, fakeinfra.Mailbox("kivra"), fakeinfra.Rejects(otherSender))
	clock := &testClock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	cfg := far.Config{Endpoints: infra.FaR(), HTTPClient: mtlsClient(t, leaf, infra), CacheTTL: time.Hour}
	cfg.Now = clock.Now
	c, err := far.New(cfg)
	require.NoError(t, err)

	for round := 1; round <= 2; round++ {
		a, err := c.IsReachable(context.Background(), sender, alice)
		require.NoError(t, err)
		b, err := c.IsReachable(context.Background(), otherSender, alice)
		require.NoError(t, err)
		assert.True(t, a[0].Decide().Digital, "round %d", round)
		assert.Equal(t, message.PaperSenderNotAccepted, b[0].Decide().Reason, "round %d", round)
		assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient), "round %d: one call per sender, then none", round)
	}
}

// A failed lookup leaves nothing in the cache.
func TestCacheKeepsNoFailure(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	clock := &testClock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	c := cachingClient(t, infra, clock)
	infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 5001), fakeinfra.Times(1))
	_, err := c.IsReachable(context.Background(), sender, alice)
	require.Error(t, err)
	got, err := c.IsReachable(context.Background(), sender, alice)
	require.NoError(t, err)
	assert.Equal(t, []message.RecipientID{alice}, recipients(got))
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient))
}

// Expired answers are dropped as new ones come in, so a long-lived client's
// cache does not grow without bound.
func TestCacheDropsExpired(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	clock := &testClock{now: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	c := cachingClient(t, infra, clock)
	ids := syntheticIDs(3000)
	for k := 0; k < len(ids); k += 1000 {
		_, err := c.IsReachable(context.Background(), sender, ids[k:k+1000]...)
		require.NoError(t, err)
		clock.Advance(2 * time.Minute)
	}
	assert.LessOrEqual(t, far.CacheLen(c), 2000, "the first thousand expired and were dropped")
	assert.GreaterOrEqual(t, far.CacheLen(c), 1000)
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	hc := infra.HTTPClient()
	ok := infra.FaR()
	tests := []struct {
		name string
		cfg  far.Config
		want string
	}{
		{"no http client", far.Config{Endpoints: ok}, "HTTPClient is required"},
		{"no endpoints", far.Config{HTTPClient: hc}, `Endpoints.Recipient "" is not an https URL`},
		{"http recipient", far.Config{HTTPClient: hc, Endpoints: far.Endpoints{Recipient: "http://far.example/Recipient/v3"}}, "Endpoints.Recipient"},
		{"relative recipient", far.Config{HTTPClient: hc, Endpoints: far.Endpoints{Recipient: "/Recipient/v3"}}, "Endpoints.Recipient"},
		{"http authority", far.Config{HTTPClient: hc, Endpoints: far.Endpoints{Recipient: ok.Recipient, Authority: "http://far.example/Authority"}}, "Endpoints.Authority"},
		{"batch too large", far.Config{HTTPClient: hc, Endpoints: ok, BatchSize: 1001}, "BatchSize 1001 is outside 1 to 1000"},
		{"batch negative", far.Config{HTTPClient: hc, Endpoints: ok, BatchSize: -1}, "BatchSize -1"},
		{"parallel negative", far.Config{HTTPClient: hc, Endpoints: ok, Parallel: -2}, "Parallel -2"},
		{"cache ttl negative", far.Config{HTTPClient: hc, Endpoints: ok, CacheTTL: -time.Second}, "CacheTTL -1s"},
		{"waits upside down", far.Config{HTTPClient: hc, Endpoints: ok, RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}, "RetryWaitMin 1s is above RetryWaitMax 1ms"},
		{"negative wait", far.Config{HTTPClient: hc, Endpoints: ok, RetryWaitMin: -time.Second}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := far.New(tt.cfg)
			assert.Nil(t, c)
			require.ErrorIs(t, err, far.ErrConfig)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, eps := range []far.Endpoints{far.Production(), far.Test(), {Recipient: ok.Recipient}} {
		c, err := far.New(far.Config{Endpoints: eps, HTTPClient: hc, BatchSize: 1000, Parallel: 1})
		require.NoError(t, err)
		assert.NotNil(t, c)
	}
}
