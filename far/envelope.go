package far

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/xmltok"
	"github.com/avsandare/mm/safetext"
)

// readAnswer reads an answer's envelope and hands its payload to decode.
//
// The envelope up to the payload is checked by soap.ReadResponse, as for
// every answer of the SDK: a SOAP 1.1 envelope, no DTD, a Body whose first
// element is not a Fault. The payload and what follows it are then read
// with internal/xmltok instead of the encoding/xml decoder ReadResponse
// returns: an answer for 1000 recipients is some 17,000 elements, and
// xmltok, which returns text as slices of the input and keeps names and
// indentation in caches, reads them about ten times faster, with a tenth
// of the allocations (BenchmarkDecodeIsReachable). xmltok is also the
// stricter reader: an undeclared prefix, for one, is refused.
//
// When the SOAP layer hands out xmltok's tokens itself, descending to the
// payload and closeAnswer belong there.
func readAnswer(body []byte, decode func(*walker, xml.StartElement) error) error {
	return safetext.CleanError(decodeAnswer(body, decode))
}

// decodeAnswer is readAnswer before its error is cleaned: the errors of
// a decoder quote the answer (a namespace, a value), which may hold
// anything.
func decodeAnswer(body []byte, decode func(*walker, xml.StartElement) error) error {
	if _, err := soap.ReadResponse(body); err != nil {
		return err
	}
	w := &walker{d: xmltok.NewDecoder(body, xmltok.Options{MaxDepth: maxDepth})}
	// ReadResponse has checked the structure: descend through Envelope,
	// past a Header, into Body, to the payload.
	for depth := 0; ; {
		t, err := w.d.Token()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformedAnswer, err)
		}
		se, ok := t.(xml.StartElement)
		switch {
		case !ok:
		case depth == 1 && se.Name.Space == soap.NSEnvelope && se.Name.Local == "Header":
			if err := w.skip("Header"); err != nil {
				return fmt.Errorf("%w: %w", ErrMalformedAnswer, err)
			}
		case depth == 2:
			if err := decode(w, se); err != nil {
				return err
			}
			return closeAnswer(w)
		default:
			depth++
		}
	}
}

// maxDepth bounds the nesting of an answer; FaR's go seven levels deep.
const maxDepth = 32

// closeAnswer checks what follows the payload, as soap.Payload.End does:
// the ends of Body and of Envelope, with nothing but comments, processing
// instructions and white space about them. A second element in Body is
// refused: document/literal bodies hold exactly one.
func closeAnswer(w *walker) error {
	for _, parent := range []string{"Body", "Envelope"} {
		se, ok, err := w.child(parent)
		if err == nil && ok {
			err = fmt.Errorf("unexpected element %s in %s", se.Name.Local, parent)
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrMalformedAnswer, err)
		}
	}
	for { // xmltok refuses elements and text after the root itself
		if _, err := w.d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%w: after Envelope: %w", ErrMalformedAnswer, err)
		}
	}
}
