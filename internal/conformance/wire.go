package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/avsandare/mm/internal/opverify"
)

// SealedFromWire turns a deliverSecure request in the prefixed wire form
// back into the standalone SealedDelivery the seal was computed over and
// the standalone SignedDelivery, as a mailbox operator's verifier
// reconstructs them (prefixes stripped, deliverSecure renamed), so that
// xmlsec1 — which knows nothing of the infrastructure's quirks — can check
// both signatures.
func SealedFromWire(request []byte) (sealed, signed []byte, err error) {
	docs, err := opverify.Documents(request)
	if err != nil {
		return nil, nil, err
	}
	if len(docs) != 2 {
		return nil, nil, fmt.Errorf("the request carries %d signatures, want the seal and the sender's", len(docs))
	}
	return docs[0], docs[1], nil
}

// Payload returns the element in the SOAP Body of an envelope in the
// prefixed wire form (every namespace declared on soap:Envelope) as a
// standalone document, the envelope's declarations moved onto it, so that
// it can be validated against the service's XSD.
func Payload(envelope []byte) ([]byte, error) {
	end := bytes.IndexByte(envelope, '>')
	first := bytes.IndexByte(envelope, ' ')
	if !bytes.HasPrefix(envelope, []byte("<")) || end < 0 || first < 0 || first > end {
		return nil, errors.New("not an envelope with its declarations on the start tag")
	}
	decls := envelope[first:end]
	bodyOpen := bytes.Index(envelope, []byte(":Body>"))
	bodyClose := bytes.LastIndex(envelope, []byte("</"))
	bodyClose = bytes.LastIndex(envelope[:bodyClose], []byte("</"))
	if bodyOpen < 0 || bodyClose <= bodyOpen {
		return nil, errors.New("no SOAP Body")
	}
	payload := envelope[bodyOpen+len(":Body>") : bodyClose]
	nameEnd := bytes.IndexAny(payload, " >")
	if nameEnd < 0 {
		return nil, errors.New("no element in the SOAP Body")
	}
	var b bytes.Buffer
	b.Write(payload[:nameEnd])
	b.Write(decls)
	b.Write(payload[nameEnd:])
	return b.Bytes(), nil
}

// ValidatePayload validates the payload of an envelope in the prefixed
// wire form (see Payload) against the schema file xsd, and fails the test
// with xmllint's report when it is not valid.
func ValidatePayload(t testing.TB, xsd string, envelope []byte) {
	t.Helper()
	p, err := Payload(envelope)
	if err != nil {
		t.Fatalf("payload of the envelope: %v\n%s", err, head(envelope, 2000))
	}
	ValidateXSD(t, xsd, p)
}
