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
		{"technical 1000", fault.Fault{Code: 1000}, true},
		{"last technical 4999", fault.Fault{Code: 4999}, true},
		{"general application 5000", fault.Fault{Code: fault.CodeGeneralApplication}, false},
		{"invalid input 5001", fault.Fault{Code: fault.CodeInvalidInput, HTTPStatus: 500, FaultCode: "soap:Server"}, false},
		{"signature invalid 5006", fault.Fault{Code: fault.CodeSignatureInvalid}, false},
		{"signer not party 6010", fault.Fault{Code: fault.CodeSignerNotParty}, false},
		{"last application 9999", fault.Fault{Code: 9999}, false},
		// Without a code the contract's, the faultcode decides (SOAP 1.1
		// §4.4.1): only a fault that blames the request is not retried.
		{"outside the contract, soap:Server", fault.Fault{Code: 12000, FaultCode: "soap:Server"}, true},
		{"outside the contract, soap:Client", fault.Fault{Code: 12000, FaultCode: "soap:Client"}, false},
		{"no detail, soap:Server, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server", HTTPStatus: 500}, true},
		{"no detail, soap:Server.Busy, 503", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server.Busy", HTTPStatus: 503}, true},
		{"no detail, soap:Server, status unknown", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server"}, true},
		{"no detail, soap:Server, 200", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server", HTTPStatus: 200}, true},
		{"no detail, unknown faultcode", fault.Fault{Code: fault.NoCode, FaultCode: "x:Server", HTTPStatus: 500}, true},
		{"no detail, faultcode missing", fault.Fault{Code: fault.NoCode, HTTPStatus: 500}, true},
		{"no detail, soap:ServerX, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:ServerX", HTTPStatus: 500}, true},
		{"no detail, soap:Client, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Client", HTTPStatus: 500}, false},
		{"no detail, soap:Client.Auth, 500", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Client.Auth", HTTPStatus: 500}, false},
		{"no detail, soap:VersionMismatch", fault.Fault{Code: fault.NoCode, FaultCode: "soap:VersionMismatch", HTTPStatus: 500}, false},
		{"no detail, soap:MustUnderstand", fault.Fault{Code: fault.NoCode, FaultCode: "soap:MustUnderstand", HTTPStatus: 500}, false},
		{"no detail, soap:ClientX", fault.Fault{Code: fault.NoCode, FaultCode: "soap:ClientX", HTTPStatus: 500}, true},
		{"unreadable detail, soap:Client", fault.Fault{Code: fault.NoCode, FaultCode: "soap:Client", UnreadableDetail: "no ErrorCode"}, false},
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
	assert.Equal(t, "soap fault 5019: bilagan är en zip-fil (call id c-1) (http 500)", f.Error())
	f = &fault.Fault{Code: fault.NoCode, FaultCode: "soap:Server", FaultString: "internal error", UnreadableDetail: "no ErrorCode"}
	assert.Equal(t, "soap fault soap:Server: internal error (unreadable detail: no ErrorCode)", f.Error())
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
