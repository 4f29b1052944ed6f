package fakeinfra_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func isReachableBody() string {
	return `<isReachable xmlns="` + message.NSRecipientV3 + `"><senderOrgNr>162021004748</senderOrgNr><recipientId>` + alice + `</recipientId></isReachable>`
}

// Each kind of fault fires, where it is aimed, as often as asked.
func TestEachFaultKindFires(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	c := infra.HTTPClient()
	url := infra.FaR().Recipient
	env := soap.AppendEnvelope(nil, []byte(isReachableBody()))
	call := func() (int, []byte, error) {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(env)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", soap.ContentType)
		resp, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}

	soapF := infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000), fakeinfra.Times(2))
	for range 2 {
		status, body, err := call()
		require.NoError(t, err)
		assert.Equal(t, http.StatusInternalServerError, status)
		assert.Contains(t, string(body), "<ErrorCode>1000</ErrorCode>")
	}
	status, _, err := call()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "Times(2) is spent")
	assert.Equal(t, 2, soapF.Fired())

	httpF := infra.Inject(fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusServiceUnavailable), fakeinfra.Times(1))
	status, body, err := call()
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, string(body), "<html>")
	assert.Equal(t, 1, httpF.Fired())

	infra.Inject(fakeinfra.Latency(fakeinfra.EndpointRecipient, 150*time.Millisecond), fakeinfra.Times(1))
	start := time.Now()
	status, _, err = call()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "latency lets the call through")
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)

	infra.Inject(fakeinfra.ConnectionReset(fakeinfra.EndpointRecipient), fakeinfra.Times(1))
	_, _, err = call()
	assert.Error(t, err, "reset: no answer")

	to := infra.Inject(fakeinfra.Timeout(fakeinfra.EndpointRecipient), fakeinfra.Times(1))
	short := *c
	short.Timeout = 200 * time.Millisecond
	c = &short
	_, _, err = call()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Timeout")
	assert.Equal(t, 1, to.Fired())

	// A fault aimed elsewhere does not strike here.
	other := infra.Inject(fakeinfra.OperatorFault("kivra", 5006))
	status, _, err = call()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.Zero(t, other.Fired())
	assert.Equal(t, 8, infra.Requests(fakeinfra.EndpointRecipient))
}

// A fault that strikes after the operator stored the message: the answer is
// lost, the message is in the mailbox, and a retry gets the first answer.
func TestAfterStoreFault(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.ConnectionReset(fakeinfra.OperatorEndpoint("kivra")), fakeinfra.Times(1), fakeinfra.AfterStore())
	req := sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(alice))
	c := infra.HTTPClient()
	hr, err := http.NewRequest(http.MethodPost, infra.OperatorURL("kivra"), strings.NewReader(string(req)))
	require.NoError(t, err)
	hr.Header.Set("Content-Type", soap.ContentType)
	_, err = c.Do(hr)
	require.Error(t, err, "the answer was lost")
	assert.Len(t, infra.Mailbox(alice), 1, "but the message landed")
	res := delivered(t, send(t, c, infra.OperatorURL("kivra"), req))
	assert.True(t, res.Statuses[0].Delivered)
	assert.Len(t, infra.Mailbox(alice), 1)
	assert.Equal(t, 1, infra.Duplicates())
}

// Fractional faults are drawn from the seeded source: the same seed strikes
// the same calls, another seed others.
func TestFractionIsDeterministicUnderSeed(t *testing.T) {
	t.Parallel()
	pattern := func(seed int64) string {
		infra := fakeinfra.Start(t, fakeinfra.WithSeed(seed))
		f := infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 1000), fakeinfra.Fraction(0.3))
		var b strings.Builder
		for range 60 {
			status, _ := soapCall(t, infra.HTTPClient(), infra.FaR().Recipient, isReachableBody())
			if status == http.StatusOK {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		assert.Equal(t, strings.Count(b.String(), "x"), f.Fired())
		return b.String()
	}
	a, again, other := pattern(7), pattern(7), pattern(8)
	assert.Equal(t, a, again)
	assert.NotEqual(t, a, other)
	n := strings.Count(a, "x")
	assert.True(t, n > 5 && n < 35, "about 30%% of 60 strike, got %d: %s", n, a)
}

// An operator down for a while comes back.
func TestForWindow(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	infra.Inject(fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, http.StatusBadGateway), fakeinfra.For(300*time.Millisecond))
	status, _ := soapCall(t, infra.HTTPClient(), infra.FaR().Recipient, isReachableBody())
	assert.Equal(t, http.StatusBadGateway, status)
	time.Sleep(350 * time.Millisecond)
	status, _ = soapCall(t, infra.HTTPClient(), infra.FaR().Recipient, isReachableBody())
	assert.Equal(t, http.StatusOK, status)
}

// Clients without a certificate, or with one from another CA, are refused
// at the TLS layer: no request reaches the handlers.
func TestMutualTLSRequired(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	otherCA, err := testpki.NewCA("Other CA")
	require.NoError(t, err)
	stranger, err := otherCA.Org("162021004748", "Kommun A")
	require.NoError(t, err)
	clients := map[string]*tls.Config{
		"no certificate":  {RootCAs: infra.Roots(), MinVersion: tls.VersionTLS12},
		"another CA":      {RootCAs: infra.Roots(), Certificates: []tls.Certificate{stranger.TLS()}, MinVersion: tls.VersionTLS12},
		"TLS 1.1 at most": {RootCAs: infra.Roots(), MaxVersion: tls.VersionTLS11},
	}
	for name, cfg := range clients {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 5 * time.Second}
		for _, url := range []string{infra.FaR().Recipient, infra.OperatorURL("kivra")} {
			req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(isReachableBody()))
			require.NoError(t, err)
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			assert.Error(t, err, "%s to %s", name, url)
		}
	}
	assert.Zero(t, infra.Requests(fakeinfra.EndpointRecipient))
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}
