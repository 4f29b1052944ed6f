package soap

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/avsandare/mm/internal/canon"
)

// Error codes of the contracts (§5.2; SPEC §8). Codes 0–4999 are technical
// errors, to be retried later; 5000–9999 are application errors: the input
// must change, and a retry would fail alike.
const (
	CodeGeneralTechnical     = 0    // generellt tekniskt fel
	CodeGeneralApplication   = 5000 // undefined application error
	CodeInvalidInput         = 5001
	CodeNotAuthorised        = 5002
	CodeNoSuchData           = 5003
	CodeNotFinished          = 5004
	CodeMaximumExceeded      = 5005
	CodeSignatureInvalid     = 5006
	CodeAlreadyExists        = 5007
	CodeSignatureError       = 5012
	CodeUnsupportedMIMEType  = 5019
	CodeNotPermitted         = 5020 // also "ej behörig"; §5.2 tells it from 5002 by nothing but its number
	CodeSenderNotValidSigner = 6009
	CodeSignerNotParty       = 6010 // the signer is neither sender nor recipient

	// NoCode is the Code of a fault without an error code the SDK can
	// read (see Fault).
	NoCode = -1
)

// xmlSpace is white space as XML defines it (xs:token and friends).
const xmlSpace = " \t\r\n"

// firstApplicationCode is where application errors begin.
const firstApplicationCode = 5000

// Fault is a SOAP fault. Code, Description and CallID come from its
// detail's ExceptionInformation: applicationFault (Recipient, Service) or
// the operation's own fault element (Authority: getSendersFault,
// getDispatchersFault). A fault without an error code the SDK can read has
// Code NoCode; UnreadableDetail then says what was wrong with an
// ExceptionInformation that was there. FaultCode is the SOAP faultcode,
// with its prefix written "soap" whenever it is bound to the SOAP 1.1
// namespace (so "S:Server" from a JAX-WS stack reads "soap:Server");
// HTTPStatus is the status the fault arrived with, zero when it was read
// from bytes alone.
// A fault read from a server holds its texts as safetext.Clean leaves them
// — personal identity numbers masked, control characters replaced — since
// they are shown, logged and journalled.
type Fault struct {
	Code        int
	Description string
	CallID      string
	FaultCode   string
	FaultString string
	HTTPStatus  int
	// UnreadableDetail is why the detail's ExceptionInformation gave no
	// code: no ErrorCode, one that is not an integer or lies outside
	// 0–9999, two of them. Empty when it was read, or there was none.
	UnreadableDetail string
}

// Faults without an error code
//
// Every error the contracts declare comes with an ExceptionInformation
// whose ErrorCode classifies it (§5.2): 0–4999 technical, retried;
// 5000–9999 application, never retried, and the operator has then said
// that it refused the message. A fault without a code the SDK can read — no
// detail, an empty one, a foreign one, or an ExceptionInformation that
// cannot be read (UnreadableDetail) — comes from outside the contract: an
// unchecked exception in the server's stack, a gateway in front of it, a
// database gone. Nothing in it says whether the server acted on the call
// before failing. The SDK therefore reads such a fault by its SOAP 1.1
// faultcode (SOAP 1.1 §4.4.1), which every stack sets:
//
//   - soap:Client, soap:VersionMismatch, soap:MustUnderstand (and their
//     dotted subcodes) say that the request as sent is at fault and was not
//     processed, and "should not be resent without change": not retried,
//     and a delivery is failed — nothing landed, as with an application
//     fault.
//   - soap:Server, and any faultcode the SDK cannot place, give no such
//     assurance: retried with backoff as a technical failure, and a
//     delivery still without an answer after the last attempt is unknown
//     (it may have landed; forward.ErrMaybeDelivered), never failed, so
//     that it is neither sent by paper nor given up. Retrying is safe: a
//     delivery carries its message ID, which the operator deduplicates,
//     and a lookup changes nothing.
//
// The HTTP status does not enter into it: SOAP 1.1 sends every fault with
// 500, and a stack that does otherwise says no more by it. Reading an
// unknown faultcode as "failed" would be the one choice that can lose or
// duplicate a letter: a message reported failed is sent again under a new
// ID, or on paper, though it may already be in the recipient's mailbox.

// Retryable reports whether the same call may succeed later. With an
// error code the contract's (0–9999) decides: 0–4999 technical, yes;
// 5000–9999 application, never. Without one (NoCode, or a code outside
// 0–9999) the faultcode decides, as described above: everything but a
// fault that blames the request is retried.
func (f *Fault) Retryable() bool {
	if f.Code >= 0 && f.Code <= lastCode {
		return f.Code < firstApplicationCode
	}
	return !blamesRequest(f.FaultCode)
}

// lastCode is the highest error code of §5.2.
const lastCode = 9999

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
// hold personal data: callers log the code and call id, not the error text.
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

// logString is what a log may show of the fault: no description, which may
// name a person.
func (f *Fault) logString() string {
	switch {
	case f.Code != NoCode:
		return "soap fault " + strconv.Itoa(f.Code) + " (call id " + f.CallID + ")"
	case f.UnreadableDetail != "":
		return "soap fault " + f.FaultCode + " with an unreadable detail"
	}
	return "soap fault " + f.FaultCode + " without detail"
}

// NewCallID returns a random call id for a fault: 26 characters of base32
// (128 bits), inside the 20–50 characters the XSD allows for CallId.
func NewCallID() string { return rand.Text() }

// Detail names the element a fault's ExceptionInformation is written in
// and the namespace of its children (ErrorCode, Description, CallId).
type Detail struct {
	Local, Space string
	FieldSpace   string
}

// ApplicationFault is the detail of the Recipient and Service faults:
// applicationFault, an ExceptionInformation of schema/Common/v3.
func ApplicationFault() Detail {
	return Detail{Local: "applicationFault", Space: NSCommonV3, FieldSpace: NSCommonV3}
}

// AuthorityFault is the detail of the Authority service's faults for
// operation op: op+"Fault" (getSendersFault, getDispatchersFault) in the
// service's namespace, an ExceptionInformation of the unversioned Common
// schema, whose children are qualified in it
// (contracts/authority/Authority-wrappers.xsd).
func AuthorityFault(op string) Detail {
	return Detail{Local: op + "Fault", Space: nsAuthorityService, FieldSpace: nsCommon}
}

// Namespaces of the Authority service's fault details.
const (
	nsAuthorityService = "http://minameddelanden.gov.se/Authority"
	nsCommon           = "http://minameddelanden.gov.se/schema/Common"
)

// AppendFault appends a complete SOAP envelope holding a fault, as a server
// of the contracts answers (with HTTP 500; see WriteFault), and returns the
// extended slice. faultcode is always soap:Server, whatever the code: the
// infrastructure's JAX-WS stacks send every declared wsdl:fault that way,
// and clients must not tell technical from application errors by faultcode
// anyway but by ErrorCode. faultstring repeats the description.
//
// The detail is an applicationFault, written prefix-free in the Common/v3
// namespace (AppendFaultDetail writes another). For it to validate against
// schema/v3/Common.xsd, code must be 1–9998 (the XSD excludes 0 and 9999,
// which §5.2 lists but never sends) and callID 20–50 characters; an empty
// callID gets NewCallID.
func AppendFault(dst []byte, code int, description, callID string) []byte {
	return AppendFaultDetail(dst, ApplicationFault(), code, description, callID)
}

// AppendFaultDetail is AppendFault with the ExceptionInformation in the
// detail element d. The unversioned Common schema of the Authority faults
// allows codes 2–9998 only.
func AppendFaultDetail(dst []byte, d Detail, code int, description, callID string) []byte {
	if callID == "" {
		callID = NewCallID()
	}
	description, callID = xmlSafe(description), xmlSafe(callID)
	dst = append(dst, envelopeOpen...)
	w := canon.New(dst, "")
	w.Raw([]byte("<soap:Fault>"))
	// SOAP 1.1 leaves faultcode, faultstring and detail unqualified: in an
	// envelope without a default namespace plain names are exactly that.
	w.Leaf("faultcode", "", "soap:Server")
	w.Leaf("faultstring", "", description)
	w.Open("detail", "")
	w.Open(d.Local, d.Space)
	w.Leaf("ErrorCode", d.FieldSpace, strconv.Itoa(code))
	w.Leaf("Description", d.FieldSpace, description)
	w.Leaf("CallId", d.FieldSpace, callID)
	w.Close(d.Local)
	w.Close("detail")
	w.Raw([]byte("</soap:Fault>"))
	return append(w.Buf, envelopeClose...)
}

// xmlSafe replaces what XML 1.0 cannot carry (invalid UTF-8, control
// characters other than tab, newline and carriage return, U+FFFE, U+FFFF)
// with U+FFFD, so that a server's fault is well-formed whatever message it
// was given.
func xmlSafe(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
	}
	for _, r := range s {
		if r == utf8.RuneError || !ok(r) {
			return strings.Map(func(r rune) rune {
				if ok(r) {
					return r
				}
				return utf8.RuneError
			}, strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	return s
}

// WriteFault answers an HTTP request with a fault envelope and status 500,
// as SOAP 1.1 and the contracts prescribe (SPEC §8).
func WriteFault(w http.ResponseWriter, code int, description, callID string) {
	WriteFaultDetail(w, ApplicationFault(), code, description, callID)
}

// WriteFaultDetail is WriteFault with the ExceptionInformation in the
// detail element d.
func WriteFaultDetail(w http.ResponseWriter, d Detail, code int, description, callID string) {
	body := AppendFaultDetail(nil, d, code, description, callID)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(body) // the client going away is not the server's error
}
