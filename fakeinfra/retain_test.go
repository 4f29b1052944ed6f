package fakeinfra_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With WithRetain(2) the operators keep the last two deliveries: the
// inspectors see those, a repeat of one of them is recognised, and a
// repeat of an older one is taken as new.
func TestRetainKeepsTheLast(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t, fakeinfra.WithRetain(2))
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra"), fakeinfra.Reachable(false, true)))
	client := infra.HTTPClient()
	leaf, err := infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)
	url := infra.OperatorURL("kivra")
	var reqs [][]byte
	var ids []string
	for k := range 5 {
		m := testMessage(alice)
		m.Subject = fmt.Sprintf("Meddelande %d", k)
		req := sealedRequest(t, infra, leaf.Signer, infra.Sender(), m)
		status, body := post(t, client, url, req)
		require.Equal(t, http.StatusOK, status, string(body))
		reqs, ids = append(reqs, req), append(ids, m.ID)
	}
	var got []string
	for _, d := range infra.Deliveries() {
		got = append(got, d.Message.ID)
	}
	assert.Equal(t, ids[3:], got)
	assert.Len(t, infra.Mailbox(alice), 2)
	assert.Len(t, infra.Notifications(), 2)
	for k, id := range ids {
		known, delivered := infra.Known("kivra", id)
		assert.Equal(t, k >= 3, known, "message %d", k)
		assert.Equal(t, k >= 3, delivered, "message %d", k)
	}

	status, _ := post(t, client, url, reqs[4])
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, 1, infra.Duplicates(), "a repeat of a kept delivery is recognised")
	status, _ = post(t, client, url, reqs[0])
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, 1, infra.Duplicates(), "a repeat of a forgotten one is taken as new")
	got = nil
	for _, d := range infra.Deliveries() {
		got = append(got, d.Message.ID)
	}
	assert.Equal(t, []string{ids[4], ids[0]}, got)
	assert.Equal(t, 7, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
}

// A negative bound is refused.
func TestRetainNegative(t *testing.T) {
	t.Parallel()
	_, err := fakeinfra.New(fakeinfra.WithRetain(-1))
	require.ErrorContains(t, err, "retain -1 is negative")
	_, err = fakeinfra.New(fakeinfra.WithRoundTrip(-1))
	require.ErrorContains(t, err, "round trip -1ns is negative")
}
