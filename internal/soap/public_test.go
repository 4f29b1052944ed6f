package soap

import (
	"errors"
	"fmt"
	"testing"

	public "github.com/avsandare/mm/fault"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fault the parser reads is the public fault.Fault: errors.As finds it
// through a call's error, as users look for it.
func TestPublicFault(t *testing.T) {
	t.Parallel()
	p, err := ReadResponse(AppendFault(nil, CodeInvalidInput, "Mottagaren saknas", callID))
	assert.Nil(t, p)
	err = fmt.Errorf("forward: %w", &CallError{URL: "https://op.example/service", Attempts: 1, Err: err})
	var f *public.Fault
	require.True(t, errors.As(err, &f))
	assert.Equal(t, public.CodeInvalidInput, f.Code)
	assert.Equal(t, callID, f.CallID)
	assert.False(t, f.Retryable())
}
