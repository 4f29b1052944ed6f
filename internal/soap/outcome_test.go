package soap

import (
	"context"
	"errors"
	"fmt"
	"testing"

	public "github.com/avsandare/mm/fault"
	"github.com/stretchr/testify/assert"
)

// Classify names what went wrong in words of its own, never the server's.
func TestClassify(t *testing.T) {
	f := &public.Fault{Code: 5019, Description: "mottagaren 195303231855 finns inte"}
	for _, tt := range []struct {
		err    error
		class  string
		status int
	}{
		{nil, "", 0},
		{fmt.Errorf("call: %w", f), "fault", 0},
		{fmt.Errorf("call: %w", context.Canceled), "canceled", 0},
		{fmt.Errorf("call: %w", context.DeadlineExceeded), "timeout", 0},
		{&ResponseError{StatusCode: 503, Err: ErrNotSOAP}, "not_soap", 503},
		{&ResponseError{StatusCode: 302, Err: ErrRedirect}, "redirect", 302},
		{&ResponseError{StatusCode: 200, Err: ErrTooLarge}, "too_large", 200},
		{&ResponseError{StatusCode: 404, Err: ErrStatus}, "404", 404},
		{&ResponseError{StatusCode: 200, Err: fmt.Errorf("%w: no body", ErrMalformed)}, "malformed", 200},
		{fmt.Errorf("read: %w", ErrMalformed), "malformed", 0},
		{errors.New("something else"), "other", 0},
	} {
		got := Classify(tt.err)
		assert.Equal(t, tt.class, got.Class, "%v", tt.err)
		assert.Equal(t, tt.status, got.Status, "%v", tt.err)
		assert.Equal(t, tt.class == "fault", got.Fault == f, "%v", tt.err)
	}
}
