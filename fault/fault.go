package fault

import (
	"strconv"
	"strings"
)

// Fault is a SOAP fault from FaR or a mailbox operator. Code, Description
// and CallID come from its detail's ExceptionInformation: applicationFault
// (Recipient, Service) or the operation's own fault element (Authority:
// getSendersFault, getDispatchersFault). A fault without an error code the
// SDK can read has Code NoCode; UnreadableDetail then says what was wrong
// with an ExceptionInformation that was there.
//
// A fault read from a server holds its texts as safetext.Clean leaves them
// — personal identity numbers masked, control characters replaced — since
// they are shown, logged and journalled.
type Fault struct {
	// Code is the contracts' error code (§5.2): 0–4999 a technical error,
	// 5000–9999 an application error; NoCode when the fault carried none
	// the SDK could read.
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
	// UnreadableDetail is why the detail's ExceptionInformation gave no
	// code: no ErrorCode, one that is not an integer or lies outside
	// 0–9999, two of them. Empty when it was read, or there was none.
	UnreadableDetail string
}

// Retryable reports whether the same call may succeed later. With an
// error code the contract's (0–9999) decides: 0–4999 technical, yes;
// 5000–9999 application, never. Without one (NoCode, or a code outside
// 0–9999) the faultcode decides, as the package documentation describes:
// everything but a fault that blames the request is retried. The SDK's
// clients retry by this rule.
func (f *Fault) Retryable() bool {
	if f.Code >= 0 && f.Code <= LastCode {
		return f.Code < FirstApplicationCode
	}
	return !blamesRequest(f.FaultCode)
}

// blamesRequest reports a faultcode by which SOAP 1.1 says the request as
// sent was refused unprocessed.
func blamesRequest(faultcode string) bool {
	for _, c := range [...]string{"soap:Client", "soap:VersionMismatch", "soap:MustUnderstand"} {
		if faultcode == c || strings.HasPrefix(faultcode, c+".") {
			return true
		}
	}
	return false
}

// Error describes the fault. The description comes from the server and may
// hold personal data: log the code and call ID, not the error text.
func (f *Fault) Error() string {
	var b strings.Builder
	b.WriteString("soap fault ")
	if f.Code == NoCode {
		b.WriteString(f.FaultCode)
		b.WriteString(": ")
		b.WriteString(f.FaultString)
		if f.UnreadableDetail != "" {
			b.WriteString(" (unreadable detail: ")
			b.WriteString(f.UnreadableDetail)
			b.WriteString(")")
		}
	} else {
		b.WriteString(strconv.Itoa(f.Code))
		b.WriteString(": ")
		b.WriteString(f.Description)
		b.WriteString(" (call id ")
		b.WriteString(f.CallID)
		b.WriteString(")")
	}
	if f.HTTPStatus != 0 {
		b.WriteString(" (http ")
		b.WriteString(strconv.Itoa(f.HTTPStatus))
		b.WriteString(")")
	}
	return b.String()
}
