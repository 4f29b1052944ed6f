package soap

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	public "github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/internal/canon"
)

// The contracts' error codes (§5.2), as this package's parsers and
// servers use them; package fault declares them.
const (
	CodeGeneralTechnical     = public.CodeGeneralTechnical
	CodeGeneralApplication   = public.CodeGeneralApplication
	CodeInvalidInput         = public.CodeInvalidInput
	CodeNotAuthorised        = public.CodeNotAuthorised
	CodeNoSuchData           = public.CodeNoSuchData
	CodeNotFinished          = public.CodeNotFinished
	CodeMaximumExceeded      = public.CodeMaximumExceeded
	CodeSignatureInvalid     = public.CodeSignatureInvalid
	CodeAlreadyExists        = public.CodeAlreadyExists
	CodeSignatureError       = public.CodeSignatureError
	CodeUnsupportedMIMEType  = public.CodeUnsupportedMIMEType
	CodeNotPermitted         = public.CodeNotPermitted
	CodeSenderNotValidSigner = public.CodeSenderNotValidSigner
	CodeSignerNotParty       = public.CodeSignerNotParty
	NoCode                   = public.NoCode
	lastCode                 = public.LastCode
)

// xmlSpace is white space as XML defines it (xs:token and friends).
const xmlSpace = " \t\r\n"

// Fault is a SOAP fault as package fault declares it: the parsers here
// read it, the servers here write it, and users see fault.Fault.
type Fault = public.Fault

// logString is what a log may show of a fault: no description, which may
// name a person.
func logString(f *Fault) string {
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
