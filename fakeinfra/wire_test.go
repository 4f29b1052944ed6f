package fakeinfra_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With WithRoundTrip the delay is on the wire: a delivery on a new
// connection pays the TLS handshake's round trip and the request's, and
// one on a kept connection the request's alone — each at least rtt, as a
// real network charges it. Only lower bounds are checked: a slow machine
// adds time, it never removes it.
func TestRoundTripOnTheWire(t *testing.T) {
	t.Parallel()
	const rtt = 100 * time.Millisecond
	infra := fakeinfra.Start(t, fakeinfra.WithRoundTrip(rtt))
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	client := infra.HTTPClient()
	leaf, err := infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)

	type timing struct {
		reused         bool
		handshake      time.Duration // TLS handshake, 0 on a kept connection
		wroteToAnswer  time.Duration // request written to first byte of the answer
		whole          time.Duration
		handshakeStart time.Time
		wrote          time.Time
	}
	deliver := func(subject string) timing {
		var tm timing
		var mu sync.Mutex // the hooks run on the transport's goroutines
		at := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
		trace := &httptrace.ClientTrace{
			GotConn:           func(i httptrace.GotConnInfo) { at(func() { tm.reused = i.Reused }) },
			TLSHandshakeStart: func() { at(func() { tm.handshakeStart = time.Now() }) },
			TLSHandshakeDone: func(tls.ConnectionState, error) {
				at(func() { tm.handshake = time.Since(tm.handshakeStart) })
			},
			WroteRequest:         func(httptrace.WroteRequestInfo) { at(func() { tm.wrote = time.Now() }) },
			GotFirstResponseByte: func() { at(func() { tm.wroteToAnswer = time.Since(tm.wrote) }) },
		}
		m := testMessage(alice)
		m.Subject = subject
		env := sealedRequest(t, infra, leaf.Signer, infra.Sender(), m)
		start := time.Now()
		status, body := post(t, &http.Client{Transport: traced{client.Transport, trace}}, infra.OperatorURL("kivra"), env)
		require.Equal(t, http.StatusOK, status, string(body))
		mu.Lock()
		defer mu.Unlock()
		tm.whole = time.Since(start)
		return tm
	}

	first := deliver("Första")
	assert.False(t, first.reused)
	assert.GreaterOrEqual(t, first.handshake, rtt, "the TLS handshake costs a round trip")
	assert.GreaterOrEqual(t, first.wroteToAnswer, rtt, "the request costs a round trip")
	assert.GreaterOrEqual(t, first.whole, 2*rtt, "a new connection costs the handshake and the request")

	second := deliver("Andra")
	assert.True(t, second.reused, "the second delivery keeps the connection")
	assert.Zero(t, second.handshake)
	assert.GreaterOrEqual(t, second.wroteToAnswer, rtt, "the request costs a round trip")
	assert.Len(t, infra.Mailbox(alice), 2)
}

// traced adds a ClientTrace to every request.
type traced struct {
	rt    http.RoundTripper
	trace *httptrace.ClientTrace
}

func (t traced) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.rt.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), t.trace)))
}
