package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/avsandare/mm/safetext"
)

// ErrMalformed is wrapped by every error about a document that is not a
// well-formed SOAP 1.1 envelope of the shape this package accepts.
var ErrMalformed = errors.New("malformed soap envelope")

// Payload is the element a SOAP Body carries, ready to be decoded in a
// streaming way: Decoder stands just after Start, the payload's start
// element. Names are resolved to namespaces, so prefixes (ns1:, S:) or their
// absence make no difference to the caller.
type Payload struct {
	Decoder *xml.Decoder
	Start   xml.StartElement
}

// ReadResponse reads the start of a SOAP 1.1 response up to the first
// element inside soap:Body. When that element is soap:Fault, the whole
// fault is read and returned as the error, a *Fault (its HTTPStatus is
// zero: the caller knows the status). Any other element is returned as a
// Payload to decode; call End after the payload has been consumed, to check
// that the document ends as an envelope must.
//
// Refused, with errors wrapping ErrMalformed: text that is not XML, a root
// other than Envelope in the SOAP 1.1 namespace (SOAP 1.2 included), a
// missing or empty Body, DTDs and other directives anywhere in the document,
// text where only elements belong, and anything but comments, processing
// instructions and white space after the Envelope. A non-UTF-8 encoding
// declaration is refused too: the contracts speak UTF-8 only.
func ReadResponse(body []byte) (*Payload, error) {
	return read(body, true)
}

// ReadRequest is ReadResponse for the server side: a Fault in a request is
// malformed.
func ReadRequest(body []byte) (*Payload, error) {
	return read(body, false)
}

// Unmarshal reads a response and decodes its payload into v with
// encoding/xml, then checks the end of the envelope. A fault comes back as
// a *Fault.
func Unmarshal(body []byte, v any) error {
	p, err := ReadResponse(body)
	if err != nil {
		return err
	}
	if err := p.Decoder.DecodeElement(v, &p.Start); err != nil {
		return inside(p.Start.Name.Local, err)
	}
	return p.End()
}

// malformed reports a refused envelope. The text may quote the envelope
// (a namespace URI, a name), so it is cleaned of personal numbers and
// control characters.
func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, safetext.Clean(fmt.Sprintf(format, a...)))
}

// inside reports a decoder's error met inside the element named where. An
// end of input there is unexpected; an error that already is ErrMalformed
// (a refused directive) passes unchanged.
func inside(where string, err error) error {
	if errors.Is(err, ErrMalformed) {
		return err
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return malformed("in %s: %v", where, err)
}

// noDirectives hands the raw tokens of an XML decoder to an outer decoder
// (which resolves namespaces and checks nesting), failing on directives so
// that a DTD is refused wherever it appears, also inside a payload the
// caller decodes itself.
type noDirectives struct{ d *xml.Decoder }

func (f noDirectives) Token() (xml.Token, error) {
	t, err := f.d.RawToken()
	if _, ok := t.(xml.Directive); ok {
		return nil, malformed("DTDs and other directives are not allowed")
	}
	return t, err
}

func newDecoder(body []byte) *xml.Decoder {
	raw := xml.NewDecoder(bytes.NewReader(body))
	raw.Strict = true
	return xml.NewTokenDecoder(noDirectives{raw})
}

func read(body []byte, allowFault bool) (*Payload, error) {
	d := newDecoder(body)
	root, err := firstElement(d, "document", true)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "Envelope" {
		return nil, malformed("root element %s is not a SOAP envelope", describe(root.Name))
	}
	if root.Name.Space != NSEnvelope {
		return nil, malformed("envelope namespace %q is not SOAP 1.1: want element Envelope in namespace %s", root.Name.Space, NSEnvelope)
	}
	ns := nsScope{}
	ns.push(*root)
	for {
		se, err := firstElement(d, "Envelope", false)
		if err != nil {
			return nil, err
		}
		if se == nil {
			return nil, malformed("envelope has no Body")
		}
		if se.Name.Space == NSEnvelope && se.Name.Local == "Header" {
			// The contracts define no headers; nothing in one can change
			// how the body is read.
			if err := d.Skip(); err != nil {
				return nil, inside("Header", err)
			}
			continue
		}
		if se.Name.Space != NSEnvelope || se.Name.Local != "Body" {
			return nil, malformed("unexpected element %s in Envelope, want Body", describe(se.Name))
		}
		ns.push(*se)
		break
	}
	child, err := firstElement(d, "Body", false)
	if err != nil {
		return nil, err
	}
	if child == nil {
		return nil, malformed("Body is empty")
	}
	p := &Payload{Decoder: d, Start: *child}
	if child.Name.Space != NSEnvelope || child.Name.Local != "Fault" {
		return p, nil
	}
	if !allowFault {
		return nil, malformed("Fault in a request")
	}
	ns.push(*child)
	f, err := readFault(d, ns)
	if err != nil {
		return nil, err
	}
	if err := p.End(); err != nil {
		return nil, err
	}
	return nil, f
}

// End checks what follows the payload, once the caller has consumed it
// through its end element: the end of Body and of Envelope, then nothing
// but comments, processing instructions and white space. A second element
// in Body is refused: document/literal bodies hold exactly one.
func (p *Payload) End() error {
	for _, want := range []string{"Body", "Envelope"} {
		se, err := firstElement(p.Decoder, want, false)
		if err != nil {
			return err
		}
		if se != nil {
			return malformed("unexpected element %s in %s", describe(se.Name), want)
		}
	}
	for {
		t, err := p.Decoder.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return inside("the end of the document", err)
		}
		switch t := t.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.Trim(t, xmlSpace)) != 0 {
				return malformed("text after Envelope")
			}
		default:
			return malformed("content after Envelope")
		}
	}
}

// firstElement returns the next start element inside the element named in
// (for errors), skipping comments, processing instructions and white space.
// It returns nil when in ends first; at the top of the document (top set)
// the end of input counts as an empty document.
func firstElement(d *xml.Decoder, in string, top bool) (*xml.StartElement, error) {
	for {
		t, err := d.Token()
		if err != nil {
			if top && errors.Is(err, io.EOF) {
				return nil, malformed("empty document")
			}
			return nil, inside(in, err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			if top {
				return nil, malformed("unexpected end element")
			}
			return nil, nil
		case xml.CharData:
			if len(bytes.Trim(t, xmlSpace)) != 0 {
				return nil, malformed("text in %s where only elements belong", in)
			}
		case xml.Comment, xml.ProcInst:
		}
	}
}

// describe names an element for an error message.
func describe(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// nsScope tracks the prefixes declared on the path to the fault, to resolve
// the QName in faultcode, which encoding/xml leaves as text.
type nsScope map[string]string

func (s nsScope) push(se xml.StartElement) {
	for _, a := range se.Attr {
		if a.Name.Space == "xmlns" {
			s[a.Name.Local] = a.Value
		}
	}
}
