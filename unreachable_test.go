package mm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	mm "github.com/avsandare/mm"
	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
)

// Unreachable tells "could not reach or trust, or no answer" from "an
// answer that refused" and from the SDK's own refusals, through wrapping.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	network := &soap.CallError{URL: "https://far.example/Recipient/v3", Attempts: 3, Err: errors.New("connection refused")}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"cancelled", fmt.Errorf("send: %w", context.Canceled), false},
		{"maybe delivered", fmt.Errorf("send: %w", mm.ErrMaybeDelivered), true},
		{"operator address refused", fmt.Errorf("deliver: %w", forward.ErrOperatorAddress), true},
		{"network", fmt.Errorf("far: %w", network), true},
		{"malformed answer", fmt.Errorf("far: %w", soap.ErrMalformed), true},
		{"technical fault", &fault.Fault{Code: 1001}, true},
		{"application fault", fmt.Errorf("far: %w", &fault.Fault{Code: 5001}), false},
		{"application fault through the call", &soap.CallError{URL: "https://far.example", Attempts: 1, Err: &fault.Fault{Code: 5002}}, false},
		{"invalid message", fmt.Errorf("send: %w", message.ErrInvalid), false},
	} {
		assert.Equal(t, tc.want, mm.Unreachable(tc.err), tc.name)
	}
}
