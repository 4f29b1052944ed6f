package soap

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/avsandare/mm/safetext"
)

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
			f.FaultCode = safetext.Clean(normaliseFaultCode(strings.Trim(s, xmlSpace), ns))
		case "faultstring":
			s, err := text(d, "faultstring")
			if err != nil {
				return nil, err
			}
			f.FaultString = safetext.Clean(s)
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

// readDetail looks in detail for the ExceptionInformation of the
// contracts: applicationFault in one of the Common schemas' namespaces
// (Common/v3 in every current WSDL; the unversioned and v2 ones declare
// the same type), or an Authority operation's own fault element
// (getSendersFault…) in that service's namespace. Anything else is
// skipped, so that a foreign detail element that happens to share a name
// is not read as an error code. Two ExceptionInformation elements make the
// detail unreadable: which code would count is anyone's guess.
func readDetail(d *xml.Decoder, f *Fault) error {
	found := 0
	for {
		se, err := firstElement(d, "detail", false)
		if err != nil {
			return err
		}
		if se == nil {
			if found > 1 {
				f.Code, f.UnreadableDetail = NoCode, "more than one ExceptionInformation in detail"
			}
			return nil
		}
		if !exceptionInformation(se.Name) {
			if err := d.Skip(); err != nil {
				return inside(se.Name.Local, err)
			}
			continue
		}
		if found++; found > 1 {
			if err := d.Skip(); err != nil {
				return inside(se.Name.Local, err)
			}
			continue
		}
		if err := readExceptionInformation(d, se.Name.Local, f); err != nil {
			return err
		}
	}
}

// exceptionInformation reports whether a detail element is one of the
// contracts' ExceptionInformation elements.
func exceptionInformation(n xml.Name) bool {
	switch {
	case n.Local == "applicationFault":
		return strings.HasPrefix(n.Space, nsCommon)
	case n.Space == nsAuthorityService:
		return strings.HasSuffix(n.Local, "Fault")
	}
	return false
}

// readExceptionInformation reads the children of an ExceptionInformation,
// matched by local name. The XSD requires all three; a missing Description
// or CallId is tolerated, while an ErrorCode that is missing, repeated,
// not an integer or outside §5.2's 0–9999 leaves the fault without a code
// (NoCode) and says why in UnreadableDetail: a fault is still a fault,
// and the faultcode classifies it (see Fault.Retryable). Only XML that is
// not well-formed is an error.
func readExceptionInformation(d *xml.Decoder, name string, f *Fault) error {
	var code string
	codes, plainCode := 0, true
	for {
		t, err := d.Token()
		if err != nil {
			return inside(name, err)
		}
		var se xml.StartElement
		switch t := t.(type) {
		case xml.EndElement:
			f.Code, f.UnreadableDetail = errorCode(code, codes, plainCode)
			return nil
		case xml.StartElement:
			se = t
		default:
			continue // text between the fields changes nothing
		}
		s, plain, err := leafText(d, se.Name.Local)
		if err != nil {
			return err
		}
		switch se.Name.Local {
		case "ErrorCode":
			code, plainCode = strings.Trim(s, xmlSpace), plain
			codes++
		case "Description":
			f.Description = safetext.Clean(s)
		case "CallId":
			f.CallID = safetext.Clean(strings.Trim(s, xmlSpace))
		}
	}
}

// errorCode reads the text of the ErrorCode elements of an
// ExceptionInformation (codes of them, the last one's text code), giving
// the code, or NoCode and why it cannot be read.
func errorCode(code string, codes int, plain bool) (int, string) {
	switch {
	case codes == 0:
		return NoCode, "no ErrorCode"
	case codes > 1:
		return NoCode, "ErrorCode given " + strconv.Itoa(codes) + " times"
	case !plain:
		return NoCode, "ErrorCode holds elements"
	}
	n, err := strconv.Atoi(code)
	switch {
	case err != nil:
		return NoCode, "ErrorCode " + quoteShort(code) + " is not an integer"
	case n < 0 || n > lastCode:
		return NoCode, "ErrorCode " + quoteShort(code) + " is outside 0–9999"
	}
	return n, ""
}

// quoteShort quotes at most 32 bytes of a server's text for an error
// message, cleaned by safetext.Clean before the cut, so that the cut
// cannot leave part of a personal number unmasked.
func quoteShort(s string) string {
	s = safetext.Clean(s)
	if len(s) > 32 {
		s = strings.ToValidUTF8(s[:32], "") + "…"
	}
	return strconv.Quote(s)
}

// leafText reads the content of the element just started through its end:
// its own character data, and whether it had no child elements (whose
// content is passed over). Comments are dropped.
func leafText(d *xml.Decoder, in string) (string, bool, error) {
	var b []byte
	depth, plain := 0, true
	for {
		t, err := d.Token()
		if err != nil {
			return "", false, inside(in, err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
			plain = false
		case xml.EndElement:
			if depth == 0 {
				return string(b), plain, nil
			}
			depth--
		case xml.CharData:
			if depth == 0 {
				b = append(b, t...)
			}
		}
	}
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
