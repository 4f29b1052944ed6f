package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/avsandare/mm/fault"
	"github.com/stretchr/testify/assert"
)

func TestRetryable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		f    fault.Fault
		want bool
	}{
		{"general technical 0", fault.Fault{Code: fault.CodeGeneralTechnical}, true},
		{"last technical 4999", fault.Fault{Code: 4999}, true},
		{"general application 5000", fault.Fault{Code: fault.CodeGeneralApplication}, false},
		{"invalid input, even as soap:Server 500", fault.Fault{Code: fault.CodeInvalidInput, FaultCode: "soap:Server", HTTPStatus: 500}, false},
		{"outside the contract", fault.Fault{Code: 12000}, false},
		{"negative", fault.Fault{Code: -7}, false},
		{"no code, soap:Server, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server", HTTPStatus: 500}, true},
		{"no code, soap:Server.Busy, 503", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server.Busy", HTTPStatus: 503}, true},
		{"no code, status unknown", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server"}, false},
		{"no code, soap:Client, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Client", HTTPStatus: 500}, false},
		{"no code, soap:ServerX, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:ServerX", HTTPStatus: 500}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.f.Retryable())
		})
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	f := &fault.Fault{Code: fault.CodeUnsupportedMIMEType, Description: "bilagan är en zip-fil", CallID: "c-1", HTTPStatus: 500}
	assert.Equal(t, "fault 5019 (call id c-1): bilagan är en zip-fil (http 500)", f.Error())
	f = &fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server", FaultString: "internal error"}
	assert.Equal(t, "fault soap:Server: internal error", f.Error())
}

func ExampleFault() {
	// An error as Send returns it when the operator refused the message.
	var err error = fmt.Errorf("mm: message 17: message not sent: %w", &fault.Fault{
		Code: fault.CodeUnsupportedMIMEType, Description: "attachment type not supported", CallID: "4f1c…",
	})
	var f *fault.Fault
	if errors.As(err, &f) && !f.Retryable() {
		fmt.Println("refused with code", f.Code, "- call id", f.CallID, "for support")
	}
	// Output: refused with code 5019 - call id 4f1c… for support
}
