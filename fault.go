package mm

import "github.com/avsandare/mm/internal/soap"

// Fault is a SOAP fault from FaR or an operator: the code (§5.2 of the
// contract document: 0–4999 technical, retried by the SDK; 5000–9999 the
// input must change), the description and the call ID to quote to the
// infrastructure's support. Errors of Send, SendAll, and packages far and
// forward carry it; get it with errors.As:
//
//	var f *mm.Fault
//	if errors.As(err, &f) && f.Code == mm.CodeUnsupportedMIMEType { ... }
type Fault = soap.Fault

// Fault codes of the contracts that a sender meets (§5.2).
const (
	CodeGeneralTechnical     = soap.CodeGeneralTechnical
	CodeGeneralApplication   = soap.CodeGeneralApplication
	CodeInvalidInput         = soap.CodeInvalidInput
	CodeNotAuthorised        = soap.CodeNotAuthorised
	CodeNoSuchData           = soap.CodeNoSuchData
	CodeNotFinished          = soap.CodeNotFinished
	CodeMaximumExceeded      = soap.CodeMaximumExceeded
	CodeSignatureInvalid     = soap.CodeSignatureInvalid
	CodeAlreadyExists        = soap.CodeAlreadyExists
	CodeSignatureError       = soap.CodeSignatureError
	CodeUnsupportedMIMEType  = soap.CodeUnsupportedMIMEType
	CodeNotPermitted         = soap.CodeNotPermitted
	CodeSenderNotValidSigner = soap.CodeSenderNotValidSigner
	CodeSignerNotParty       = soap.CodeSignerNotParty
)
