package soap

import (
	"errors"
	"fmt"
	"testing"

	public "github.com/avsandare/mm/fault"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The public fault.Fault is what users get from errors.As on any error
// that carries the parser's *Fault: the same fields, the same retry rule,
// the same codes.
func TestPublicFault(t *testing.T) {
	t.Parallel()
	for _, f := range []*Fault{
		{Code: CodeInvalidInput, Description: "Mottagaren saknas", CallID: callID, FaultCode: "soap:Server", FaultString: "Mottagaren saknas", HTTPStatus: 500},
		{Code: CodeGeneralTechnical, CallID: callID, FaultCode: "soap:Server", HTTPStatus: 500},
		{Code: 4999}, {Code: 9999}, {Code: 12000},
		{Code: NoCode, FaultCode: "soap:Server", FaultString: "busy", HTTPStatus: 503},
		{Code: NoCode, FaultCode: "soap:Server.Busy", HTTPStatus: 500},
		{Code: NoCode, FaultCode: "soap:Server"},
		{Code: NoCode, FaultCode: "soap:Client", HTTPStatus: 500},
	} {
		err := fmt.Errorf("forward: %w", &CallError{URL: "https://op.example/service", Attempts: 1, Err: f})
		var pub *public.Fault
		require.True(t, errors.As(err, &pub), "%v", f)
		assert.Equal(t, public.Fault{Code: f.Code, Description: f.Description, CallID: f.CallID,
			FaultCode: f.FaultCode, FaultString: f.FaultString, HTTPStatus: f.HTTPStatus}, *pub)
		assert.Equal(t, f.Retryable(), pub.Retryable(), "%v", f)
		var own *Fault
		require.True(t, errors.As(err, &own), "the parser's type is still found first")
		assert.Same(t, f, own)
	}
	assert.False(t, errors.As(errors.New("no fault"), new(*public.Fault)))

	for pub, own := range map[int]int{
		public.NoCode: NoCode, public.CodeGeneralTechnical: CodeGeneralTechnical,
		public.CodeGeneralApplication: CodeGeneralApplication, public.CodeInvalidInput: CodeInvalidInput,
		public.CodeNotAuthorised: CodeNotAuthorised, public.CodeNoSuchData: CodeNoSuchData,
		public.CodeNotFinished: CodeNotFinished, public.CodeMaximumExceeded: CodeMaximumExceeded,
		public.CodeSignatureInvalid: CodeSignatureInvalid, public.CodeAlreadyExists: CodeAlreadyExists,
		public.CodeSignatureError: CodeSignatureError, public.CodeUnsupportedMIMEType: CodeUnsupportedMIMEType,
		public.CodeNotPermitted: CodeNotPermitted, public.CodeSenderNotValidSigner: CodeSenderNotValidSigner,
		public.CodeSignerNotParty: CodeSignerNotParty,
	} {
		assert.Equal(t, own, pub)
	}
}
