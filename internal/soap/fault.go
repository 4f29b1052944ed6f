package soap

import (
	"crypto/rand"
	"encoding/xml"
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

	// NoCode is the Code of a fault that carries no applicationFault detail.
	NoCode = -1
)

// xmlSpace is white space as XML defines it (xs:token and friends).
const xmlSpace = " \t\r\n"

// firstApplicationCode is where application errors begin.
const firstApplicationCode = 5000

// Fault is a SOAP fault. Code, Description and CallID come from its
// detail/applicationFault (ExceptionInformation); a fault without that
// detail has Code NoCode. FaultCode is the SOAP faultcode, with its prefix
// written "soap" whenever it is bound to the SOAP 1.1 namespace (so "S:Server"
// from a JAX-WS stack reads "soap:Server"); HTTPStatus is the status the
// fault arrived with, zero when it was read from bytes alone.
type Fault struct {
	Code        int
	Description string
	CallID      string
	FaultCode   string
	FaultString string
	HTTPStatus  int
}

// Retryable reports whether the same call may succeed later. With an
// applicationFault the code decides (§5.2): 0–4999 technical, yes;
// 5000–9999 application, never; anything else is outside the contract and
// is not retried. Without one, nothing says the server did not act on the
// call, so only the one unambiguous signal counts: faultcode soap:Server (or
// a soap:Server.* subcode) sent with an HTTP 5xx status.
func (f *Fault) Retryable() bool {
	if f.Code != NoCode {
		return f.Code >= 0 && f.Code < firstApplicationCode
	}
	server := f.FaultCode == "soap:Server" || strings.HasPrefix(f.FaultCode, "soap:Server.")
	return server && f.HTTPStatus >= 500 && f.HTTPStatus <= 599
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
	if f.Code == NoCode {
		return "soap fault " + f.FaultCode + " without detail"
	}
	return "soap fault " + strconv.Itoa(f.Code) + " (call id " + f.CallID + ")"
}

// NewCallID returns a random call id for a fault: 26 characters of base32
// (128 bits), inside the 20–50 characters the XSD allows for CallId.
func NewCallID() string { return rand.Text() }

// AppendFault appends a complete SOAP envelope holding a fault, as a server
// of the contracts answers (with HTTP 500; see WriteFault), and returns the
// extended slice. faultcode is always soap:Server, whatever the code: the
// infrastructure's JAX-WS stacks send every declared wsdl:fault that way,
// and clients must not tell technical from application errors by faultcode
// anyway but by ErrorCode. faultstring repeats the description.
//
// The detail/applicationFault is written prefix-free in the Common/v3
// namespace. For it to validate against schema/v3/Common.xsd, code must be
// 1–9998 (the XSD excludes 0 and 9999, which §5.2 lists but never sends)
// and callID 20–50 characters; an empty callID gets NewCallID.
func AppendFault(dst []byte, code int, description, callID string) []byte {
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
	w.Open("applicationFault", NSCommonV3)
	w.Leaf("ErrorCode", NSCommonV3, strconv.Itoa(code))
	w.Leaf("Description", NSCommonV3, description)
	w.Leaf("CallId", NSCommonV3, callID)
	w.Close("applicationFault")
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
	body := AppendFault(nil, code, description, callID)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(body) // the client going away is not the server's error
}

// readFault reads the children of soap:Fault, whose start the decoder has
// just passed. Children are matched by local name, in any order, whatever
// their namespace: SOAP 1.1 leaves them unqualified, but stacks differ.
// Unknown children (faultactor, foreign details) are skipped.
func readFault(d *xml.Decoder, ns nsScope) (*Fault, error) {
	f := &Fault{Code: NoCode}
	for {
		se, err := firstElement(d, "Fault", false)
		if err != nil {
			return nil, err
		}
		if se == nil {
			return f, nil
		}
		switch se.Name.Local {
		case "faultcode":
			ns.push(*se)
			s, err := text(d, "faultcode")
			if err != nil {
				return nil, err
			}
			f.FaultCode = normaliseFaultCode(strings.Trim(s, xmlSpace), ns)
		case "faultstring":
			if f.FaultString, err = text(d, "faultstring"); err != nil {
				return nil, err
			}
		case "detail":
			if err := readDetail(d, f); err != nil {
				return nil, err
			}
		default:
			if err := d.Skip(); err != nil {
				return nil, inside(se.Name.Local, err)
			}
		}
	}
}

// readDetail looks in detail for applicationFault. Its namespace must be one
// of the Common schemas (Common/v3 in every current WSDL; the unversioned
// and v2 ones declare the same type), so that a foreign detail element
// that happens to share the name is not read as an error code.
func readDetail(d *xml.Decoder, f *Fault) error {
	for {
		se, err := firstElement(d, "detail", false)
		if err != nil {
			return err
		}
		if se == nil {
			return nil
		}
		if se.Name.Local != "applicationFault" || !strings.HasPrefix(se.Name.Space, "http://minameddelanden.gov.se/schema/Common") {
			if err := d.Skip(); err != nil {
				return inside(se.Name.Local, err)
			}
			continue
		}
		if err := readApplicationFault(d, f); err != nil {
			return err
		}
	}
}

// readApplicationFault reads ExceptionInformation. The XSD requires all
// three children; a missing ErrorCode would leave the fault unclassifiable,
// so it is refused, while a missing Description or CallId is tolerated.
func readApplicationFault(d *xml.Decoder, f *Fault) error {
	var code string
	seen := false
	for {
		se, err := firstElement(d, "applicationFault", false)
		if err != nil {
			return err
		}
		if se == nil {
			break
		}
		var s string
		if s, err = text(d, se.Name.Local); err != nil {
			return err
		}
		switch se.Name.Local {
		case "ErrorCode":
			code, seen = strings.Trim(s, xmlSpace), true
		case "Description":
			f.Description = s
		case "CallId":
			f.CallID = strings.Trim(s, xmlSpace)
		}
	}
	if !seen {
		return malformed("applicationFault has no ErrorCode")
	}
	n, err := strconv.Atoi(code)
	if err != nil || n < 0 {
		return malformed("applicationFault ErrorCode %q is not a non-negative integer", code)
	}
	f.Code = n
	return nil
}

// text reads the character data of the element just started, through its
// end. Comments are dropped; a child element is refused.
func text(d *xml.Decoder, in string) (string, error) {
	var b []byte
	for {
		t, err := d.Token()
		if err != nil {
			return "", inside(in, err)
		}
		switch t := t.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.EndElement:
			return string(b), nil
		case xml.StartElement:
			return "", malformed("element %s in %s where only text belongs", t.Name.Local, in)
		}
	}
}

// normaliseFaultCode rewrites the prefix of a faultcode QName to "soap"
// when it is bound to the SOAP 1.1 namespace, so that callers can compare
// with "soap:Server" whatever prefix the server chose.
func normaliseFaultCode(qname string, ns nsScope) string {
	prefix, local, ok := strings.Cut(qname, ":")
	if !ok {
		return qname
	}
	switch space, bound := ns[prefix]; {
	case space == NSEnvelope:
		return "soap:" + local
	case bound && prefix == "soap":
		// A "soap" prefix bound elsewhere must not pass for SOAP's own.
		return "{" + space + "}" + local
	}
	return qname
}
