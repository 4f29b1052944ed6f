package far_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Technical failures are retried until the call succeeds; the attempts
// are counted where they arrive, at the fake.
func TestRetriesTechnicalFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    fakeinfra.Fault
		times    int
		attempts int
		tweak    func(*far.Config)
	}{
		// The fake's 503 asks for Retry-After: 1, which is waited for
		// only when RetryWaitMax allows a second.
		{"503 twice", fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusServiceUnavailable), 2, 3,
			func(cfg *far.Config) { cfg.RetryWaitMax = time.Second }},
		{"502 twice", fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusBadGateway), 2, 3, nil},
		{"504 once", fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusGatewayTimeout), 1, 2, nil},
		{"technical fault 1000 once", fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000), 1, 2, nil},
		{"technical fault 1 three times", fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1), 3, 4, nil},
		{"connection reset once", fakeinfra.ConnectionReset(fakeinfra.EndpointRecipient), 1, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tweaks []func(*far.Config)
			if tt.tweak != nil {
				tweaks = append(tweaks, tt.tweak)
			}
			infra, c := newFake(t, tweaks...)
			add(t, infra, alice, fakeinfra.Mailbox("kivra"))
			f := infra.Inject(tt.fault, fakeinfra.Times(tt.times))
			got, err := c.IsReachable(context.Background(), sender, alice, bob)
			require.NoError(t, err)
			assert.Equal(t, tt.times, f.Fired())
			assert.Equal(t, tt.attempts, infra.Requests(fakeinfra.EndpointRecipient))
			assert.Equal(t, []message.RecipientID{alice, bob}, recipients(got))
			assert.True(t, got[0].Decide().Digital)
		})
	}
}

// Retries run out: the last attempt's error comes back, with the number of
// attempts.
func TestRetriesRunOut(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t, func(cfg *far.Config) { cfg.MaxRetries = 2 })
	infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000))
	_, err := c.IsReachable(context.Background(), sender, alice)
	require.Error(t, err)
	assert.Equal(t, 1000, faultCode(t, err))
	ce, ok := errors.AsType[*soap.CallError](err)
	require.True(t, ok)
	assert.Equal(t, 3, ce.Attempts)
	assert.Equal(t, 3, infra.Requests(fakeinfra.EndpointRecipient))
	assert.Contains(t, err.Error(), "far: isReachable:")

	// MaxRetries below zero turns retries off.
	infra2, once := newFake(t, func(cfg *far.Config) { cfg.MaxRetries = -1 })
	infra2.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000))
	_, err = once.IsReachable(context.Background(), sender, alice)
	assert.Equal(t, 1000, faultCode(t, err))
	assert.Equal(t, 1, infra2.Requests(fakeinfra.EndpointRecipient))
}

// Application faults (5000–9999) are never retried, on either service, and
// reach the caller whole.
func TestApplicationFaultsNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ep   fakeinfra.Endpoint
		code int
		call func(context.Context, *far.Client) error
	}{
		{"isReachable 5001", fakeinfra.EndpointRecipient, 5001, func(ctx context.Context, c *far.Client) error {
			_, err := c.IsReachable(ctx, sender, alice)
			return err
		}},
		{"isRegistered 5005", fakeinfra.EndpointRecipient, 5005, func(ctx context.Context, c *far.Client) error {
			_, err := c.IsRegistered(ctx, alice)
			return err
		}},
		{"getSenders 5002", fakeinfra.EndpointAuthority, 5002, func(ctx context.Context, c *far.Client) error {
			_, err := c.Senders(ctx)
			return err
		}},
		{"getDispatchers 6009", fakeinfra.EndpointAuthority, 6009, func(ctx context.Context, c *far.Client) error {
			_, err := c.Dispatchers(ctx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			infra, c := newFake(t)
			infra.Inject(fakeinfra.SOAPFault(tt.ep, tt.code))
			err := tt.call(context.Background(), c)
			require.Error(t, err)
			f, ok := errors.AsType[*soap.Fault](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tt.code, f.Code)
			assert.Equal(t, "injected fault "+strconv.Itoa(tt.code), f.Description)
			assert.Len(t, f.CallID, 26)
			assert.Equal(t, http.StatusInternalServerError, f.HTTPStatus)
			assert.False(t, f.Retryable())
			assert.Equal(t, 1, infra.Requests(tt.ep), "exactly one attempt")
		})
	}
}

// A failing batch cancels the others and its error is the one returned.
func TestFailingBatchFailsTheLookup(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t, func(cfg *far.Config) { cfg.Parallel = 1 })
	infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 5001), fakeinfra.Times(1))
	got, err := c.IsReachable(context.Background(), sender, syntheticIDs(3000)...)
	assert.Nil(t, got)
	assert.Equal(t, 5001, faultCode(t, err))
	assert.Equal(t, 1, infra.Requests(fakeinfra.EndpointRecipient), "one at a time: nothing after the failure")
}

// A cancelled context ends a lookup at once, whatever the server is doing.
func TestCancelReturnsPromptly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault fakeinfra.Fault
	}{
		{"latency", fakeinfra.Latency(fakeinfra.EndpointRecipient, 10*time.Second)},
		{"timeout", fakeinfra.Timeout(fakeinfra.EndpointRecipient)},
		{"503 with Retry-After", fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusServiceUnavailable)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			infra, c := newFake(t, func(cfg *far.Config) { cfg.RetryWaitMax = 10 * time.Second })
			infra.Inject(tt.fault)
			ids := syntheticIDs(2500)
			ctx, cancel := context.WithCancel(context.Background())
			timer := time.AfterFunc(50*time.Millisecond, cancel)
			defer timer.Stop()
			start := time.Now()
			_, err := c.IsReachable(ctx, sender, ids...)
			elapsed := time.Since(start)
			require.ErrorIs(t, err, context.Canceled)
			assert.Less(t, elapsed, 2*time.Second, "returned %s after the cancel at 50ms", elapsed)
		})
	}
}

// A context done before the lookup starts fails it at once, without a
// call, every time: no batch may be left unasked and reported answered.
func TestCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ids := syntheticIDs(2500)
	for range 20 { // select picks its ready cases at random
		got, err := c.IsReachable(ctx, sender, ids...)
		require.ErrorIs(t, err, context.Canceled)
		assert.Nil(t, got)
		reg, err := c.IsRegistered(ctx, ids...)
		require.ErrorIs(t, err, context.Canceled)
		assert.Nil(t, reg)
	}
	assert.Equal(t, 0, infra.Requests(fakeinfra.EndpointRecipient))
}

// A deadline behaves as a cancel does.
func TestDeadline(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	infra.Inject(fakeinfra.Latency(fakeinfra.EndpointAuthority, 10*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Senders(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

// Retries reach the Logger, with no personal identity number whole; the
// failure itself is returned, not logged.
func TestLoggerSeesRetriesMasked(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	infra, c := newFake(t, func(cfg *far.Config) { cfg.Logger = logger })
	infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000), fakeinfra.Times(1))
	_, err := c.IsReachable(context.Background(), sender, alice, bob)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, buf.String(), "soap fault 1000")
	assertNoWholeID(t, buf.String())
}

// lockedWriter lets the handlers of concurrent calls share one buffer.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
