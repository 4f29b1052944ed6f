package forward_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unreadableFault is a fault whose ExceptionInformation has no ErrorCode
// the SDK can read, with the given faultcode.
func unreadableFault(faultcode string) []byte {
	return []byte(`<S:Envelope xmlns:S="` + soap.NSEnvelope + `"><S:Body><S:Fault><faultcode>` + faultcode + `</faultcode>` +
		`<faultstring>Internt fel</faultstring><detail><ns2:applicationFault xmlns:ns2="` + soap.NSCommonV3 + `">` +
		`<ns2:ErrorCode>ERR_INTERNAL</ns2:ErrorCode><ns2:Description>Internt fel</ns2:Description></ns2:applicationFault>` +
		`</detail></S:Fault></S:Body></S:Envelope>`)
}

// A fault without an error code the SDK can read — an empty detail, or an
// ExceptionInformation it cannot read — is judged by its faultcode (see
// soap.Fault): soap:Server is retried and, lasting, leaves the delivery
// unknown (it may have landed: here, with AfterStore, it did); soap:Client
// is not retried and the delivery failed (nothing landed).
func TestFaultWithoutCodeAtOperator(t *testing.T) {
	t.Parallel()
	kivra := fakeinfra.OperatorEndpoint("kivra")
	tests := []struct {
		name       string
		fault      fakeinfra.Fault
		after      bool // strikes after the operator stored the message
		state      receipt.State
		attempts   int // MaxRetries is 2
		stored     int
		unreadable string
	}{
		{"empty detail, soap:Server", fakeinfra.CodelessFault(kivra, "soap:Server"), false, receipt.StateUnknown, 3, 0, ""},
		{"empty detail, soap:Server, after storing", fakeinfra.CodelessFault(kivra, "soap:Server"), true, receipt.StateUnknown, 3, 1, ""},
		{"empty detail, soap:Client", fakeinfra.CodelessFault(kivra, "soap:Client"), false, receipt.StateFailed, 1, 0, ""},
		{"unknown faultcode", fakeinfra.CodelessFault(kivra, "ns9:Oops"), false, receipt.StateUnknown, 3, 0, ""},
		{"unreadable ExceptionInformation, soap:Server", fakeinfra.RawAnswer(kivra, http.StatusInternalServerError, unreadableFault("S:Server")),
			false, receipt.StateUnknown, 3, 0, `ErrorCode "ERR_INTERNAL" is not an integer`},
		{"unreadable ExceptionInformation, soap:Server, after storing", fakeinfra.RawAnswer(kivra, http.StatusInternalServerError, unreadableFault("S:Server")),
			true, receipt.StateUnknown, 3, 1, `ErrorCode "ERR_INTERNAL" is not an integer`},
		{"unreadable ExceptionInformation, soap:Client", fakeinfra.RawAnswer(kivra, http.StatusInternalServerError, unreadableFault("S:Client")),
			false, receipt.StateFailed, 1, 0, `ErrorCode "ERR_INTERNAL" is not an integer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			infra := fakeinfra.Start(t)
			require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
			var opts []fakeinfra.FaultOption
			if tt.after {
				opts = append(opts, fakeinfra.AfterStore())
			}
			infra.Inject(tt.fault, opts...)
			c := newClient(t, infra, func(cfg *forward.Config) { cfg.MaxRetries = 2 })
			_, err := c.Deliver(context.Background(), operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
			require.Error(t, err)

			f, ok := errors.AsType[*soap.Fault](err)
			require.True(t, ok, "the fault reaches the caller: %v", err)
			assert.Equal(t, soap.NoCode, f.Code)
			assert.Equal(t, tt.unreadable, f.UnreadableDetail)
			fe, ok := errors.AsType[*forward.Error](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tt.state, fe.Receipt.State)
			assert.Equal(t, tt.attempts, fe.Receipt.Attempts)
			assert.Equal(t, tt.attempts, infra.Requests(kivra))
			assert.Equal(t, tt.state == receipt.StateUnknown, errors.Is(err, forward.ErrMaybeDelivered))
			assert.Equal(t, f.Retryable(), tt.state == receipt.StateUnknown, "the state follows the retry decision")
			assert.Len(t, infra.Mailbox(alice), tt.stored)
		})
	}
}

// A passing soap:Server fault without a code is retried, and the retry
// delivers: one message stored.
func TestFaultWithoutCodeOnceThenDelivered(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	infra.Inject(fakeinfra.CodelessFault(fakeinfra.OperatorEndpoint("kivra"), "soap:Server"), fakeinfra.Times(1), fakeinfra.AfterStore())
	c := newClient(t, infra)
	proof, err := c.Deliver(context.Background(), operator(t, infra, "kivra"), delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
	assert.Equal(t, 2, proof.Receipt.Attempts)
	assert.Len(t, infra.Mailbox(alice), 1)
}
