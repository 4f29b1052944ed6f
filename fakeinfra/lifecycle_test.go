package fakeinfra_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Close breaks off calls that faults hold — a timeout, a long latency —
// instead of waiting them out: httptest waits for every call in progress.
func TestCloseBreaksOffHeldCalls(t *testing.T) {
	t.Parallel()
	infra, err := fakeinfra.New()
	require.NoError(t, err)
	defer infra.Close()
	infra.Inject(fakeinfra.Timeout(fakeinfra.EndpointRecipient))
	infra.Inject(fakeinfra.Latency(fakeinfra.EndpointAuthority, time.Hour))
	c := infra.HTTPClient() // gives up after two minutes
	env := soap.AppendEnvelope(nil, []byte(isReachableBody()))
	type outcome struct {
		status int
		err    error
	}
	results := make(chan outcome, 2)
	for _, url := range []string{infra.FaR().Recipient, infra.FaR().Authority} {
		go func() {
			status, _, err := attempt(c, url, env)
			results <- outcome{status, err}
		}()
	}
	require.Eventually(t, func() bool {
		return infra.Requests(fakeinfra.EndpointRecipient) == 1 && infra.Requests(fakeinfra.EndpointAuthority) == 1
	}, 10*time.Second, 5*time.Millisecond)

	start := time.Now()
	infra.Close()
	assert.Less(t, time.Since(start), 5*time.Second)
	var errs, answered int
	for range 2 {
		select {
		case o := <-results:
			if o.err != nil {
				errs++
			} else {
				answered++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a held call was not released")
		}
	}
	assert.Equal(t, 1, errs, "the timeout breaks the connection")
	assert.Equal(t, 1, answered, "the latency ends and the call is answered")
}

// ClearDeliveries empties the mailboxes and the notices, but the operator
// still knows the message: a repeat is a duplicate, and stores nothing.
func TestClearDeliveries(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	req := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(alice))
	first := delivered(t, send(t, infra.HTTPClient(), infra.OperatorURL("kivra"), req))
	require.Len(t, infra.Mailbox(alice), 1)
	require.NotEmpty(t, infra.Notifications())
	infra.ClearDeliveries()
	assert.Empty(t, infra.Deliveries())
	assert.Empty(t, infra.Notifications())
	again := delivered(t, send(t, infra.HTTPClient(), infra.OperatorURL("kivra"), req))
	assert.Equal(t, first.TransID, again.TransID)
	assert.Empty(t, infra.Mailbox(alice))
	assert.Equal(t, 1, infra.Duplicates())
}

// Organisation certificates are issued once per process: fakes started
// one after another present the same ones, which is what makes a start
// cheap.
func TestFakesShareCertificates(t *testing.T) {
	t.Parallel()
	a, b := fakeinfra.Start(t), fakeinfra.Start(t)
	assert.True(t, a.SenderSigner().Certificate().Equal(b.SenderSigner().Certificate()))
	sa, err := a.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	sb, err := b.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	assert.True(t, sa.Certificate().Equal(sb.Certificate()))
	other, err := b.AddSender("165590030002", "Kommun B (ny)")
	require.NoError(t, err)
	assert.False(t, other.Certificate().Equal(sb.Certificate()), "another name, another certificate")
	require.Len(t, b.Identities(), 2, "the sender's identity replaced")
	assert.Equal(t, "Kommun B (ny)", b.Identities()[1].Name)
}

// WithListen takes loopback addresses only, the names the server
// certificate holds; port 0 is random.
func TestWithListen(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"192.0.2.1:8443", "example.com:8443", "8443", "127.0.0.1:http", "127.0.0.1:70000"} {
		_, err := fakeinfra.New(fakeinfra.WithListen(addr))
		assert.ErrorContains(t, err, "listen address", addr)
	}
	infra, err := fakeinfra.New(fakeinfra.WithListen("localhost:0"))
	require.NoError(t, err)
	defer infra.Close()
	status, body := soapCall(t, infra.HTTPClient(), infra.FaR().Recipient, isReachableBody())
	assert.Equal(t, http.StatusOK, status, string(body))
	assert.Regexp(t, `^https://(127\.0\.0\.1|\[::1\]):[0-9]+/Recipient/v3$`, infra.FaR().Recipient)
}
