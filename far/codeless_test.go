package far_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unreadableFault is a fault whose ExceptionInformation carries no code
// the SDK can read.
func unreadableFault(faultcode string) []byte {
	return []byte(envelope(`<S:Fault><faultcode>` + faultcode + `</faultcode><faultstring>fel</faultstring><detail>` +
		`<ns2:applicationFault xmlns:ns2="` + soap.NSCommonV3 + `"><ns2:Description>fel</ns2:Description></ns2:applicationFault>` +
		`</detail></S:Fault>`))
}

// Faults without a code the SDK can read, at FaR: retried unless they
// blame the request, as package soap decides; either way nothing was sent
// and the fault reaches the caller.
func TestFaultWithoutCodeAtFaR(t *testing.T) {
	t.Parallel()
	ep := fakeinfra.EndpointRecipient
	tests := []struct {
		name       string
		fault      fakeinfra.Fault
		attempts   int // MaxRetries is 2
		unreadable string
	}{
		{"empty detail, soap:Server", fakeinfra.CodelessFault(ep, "soap:Server"), 3, ""},
		{"empty detail, soap:Client", fakeinfra.CodelessFault(ep, "soap:Client"), 1, ""},
		{"unreadable ExceptionInformation, soap:Server", fakeinfra.RawAnswer(ep, http.StatusInternalServerError, unreadableFault("S:Server")), 3, "no ErrorCode"},
		{"unreadable ExceptionInformation, soap:Client", fakeinfra.RawAnswer(ep, http.StatusInternalServerError, unreadableFault("S:Client")), 1, "no ErrorCode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			infra, c := newFake(t, func(cfg *far.Config) { cfg.MaxRetries = 2 })
			infra.Inject(tt.fault)
			_, err := c.IsReachable(context.Background(), sender, alice)
			require.Error(t, err)
			f, ok := errors.AsType[*soap.Fault](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, soap.NoCode, f.Code)
			assert.Equal(t, tt.unreadable, f.UnreadableDetail)
			assert.Equal(t, tt.attempts > 1, f.Retryable())
			assert.Equal(t, tt.attempts, infra.Requests(ep))
			assert.NotErrorIs(t, err, far.ErrMalformedAnswer, "a fault is an answer FaR meant to give")
		})
	}

	// A passing one is retried away.
	infra, c := newFake(t)
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))
	infra.Inject(fakeinfra.CodelessFault(fakeinfra.EndpointAuthority, "soap:Server"), fakeinfra.Times(1))
	accepted, err := c.IsSenderAccepted(context.Background(), sender)
	require.NoError(t, err)
	assert.True(t, accepted)
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointAuthority))
}
