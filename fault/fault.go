package fault

import (
	"strconv"
	"strings"
)

// Fault is a SOAP fault from FaR or a mailbox operator. Code, Description
// and CallID come from its detail (applicationFault, ExceptionInformation
// in the contracts); a fault without that detail has Code NoCode and only
// the SOAP fields.
type Fault struct {
	// Code is the contracts' error code (§5.2): 0–4999 a technical error,
	// 5000–9999 an application error, NoCode when the fault carried none.
	Code int
	// Description is the server's explanation. It may name the recipient
	// or quote the message: log Code and CallID, not Description.
	Description string
	// CallID identifies the call for the infrastructure's support.
	CallID string
	// FaultCode is the SOAP faultcode, its prefix written "soap" whenever
	// it is bound to the SOAP 1.1 namespace ("S:Server" from a JAX-WS
	// stack reads "soap:Server").
	FaultCode string
	// FaultString is the SOAP faultstring.
	FaultString string
	// HTTPStatus is the HTTP status the fault arrived with; zero when it
	// was read from bytes alone.
	HTTPStatus int
}

// Retryable reports whether the same call may succeed later. With a code
// the code decides (§5.2): technical, yes; application, never — the input
// must change; anything outside 0–9999 is outside the contract and is not
// retried. Without one nothing says the server did not act on the call,
// so only the one unambiguous signal counts: faultcode soap:Server (or a
// soap:Server.* subcode) sent with an HTTP 5xx status. The SDK's clients
// retry by this rule.
func (f *Fault) Retryable() bool {
	if f.Code != NoCode {
		return f.Code >= 0 && f.Code <= lastTechnicalCode
	}
	if f.FaultCode != "soap:Server" && !strings.HasPrefix(f.FaultCode, "soap:Server.") {
		return false
	}
	return f.HTTPStatus >= 500 && f.HTTPStatus <= 599
}

// Error describes the fault: its code and call ID, or its SOAP faultcode
// when it has no code, and the server's text.
func (f *Fault) Error() string {
	s := "fault "
	if f.Code == NoCode {
		s += f.FaultCode + ": " + f.FaultString
	} else {
		s += strconv.Itoa(f.Code) + " (call id " + f.CallID + "): " + f.Description
	}
	if f.HTTPStatus != 0 {
		s += " (http " + strconv.Itoa(f.HTTPStatus) + ")"
	}
	return s
}
