package receipt

import (
	"encoding/xml"
	"errors"
	"strings"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
)

// soapPayload reads a SOAP 1.1 answer envelope with package soap up to the
// first element of its Body, and returns the decoder, positioned after that
// element's start tag, with the tag. A fault is refused: a proof keeps an
// answer only to read the operator's result from it.
func soapPayload(doc []byte) (*xml.Decoder, xml.StartElement, error) {
	p, err := soap.ReadResponse(doc)
	if err != nil {
		return nil, xml.StartElement{}, envelopeError(err)
	}
	return p.Decoder, p.Start, nil
}

// soapEnd checks what follows a payload read through its end: the end of
// the one Body and of the Envelope, nothing else. A second Body, or a
// second element in Body, would let another reader of the same bytes see
// another message.
func soapEnd(d *xml.Decoder) error {
	if err := (&soap.Payload{Decoder: d}).End(); err != nil {
		return envelopeError(err)
	}
	return nil
}

// envelopeError gives package soap's refusal of an envelope this package's
// form, a *ParseError. A fault's own words come from the server and may
// hold personal data: they are left out.
func envelopeError(err error) error {
	if _, ok := errors.AsType[*soap.Fault](err); ok {
		return &ParseError{Path: "/Envelope/Body", Reason: "the body is a SOAP fault"}
	}
	return &ParseError{Path: "/", Reason: strings.TrimPrefix(err.Error(), soap.ErrMalformed.Error()+": ")}
}

// requestFacts is what a proof checks in the request it keeps.
type requestFacts struct {
	kind       string // payload element: "deliverSecure" or "notify"
	sender     string
	recipients []string
	messageIDs []string
	sealed     bool // Seal and the intermediary's Signature are present
}

// What to collect from a request, by the path from the payload element, as
// "namespace local" steps joined by "/".
type role int

const (
	roleSender role = iota + 1
	roleRecipient
	roleMessageID
	roleSeal
	roleSealSignature
)

func step(ns, local string) string { return ns + " " + local }

// path joins steps given as namespace, local pairs.
func path(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, step(pairs[i], pairs[i+1]))
	}
	return strings.Join(parts, "/")
}

func requestPaths() map[string]role {
	const m3, m2, m, snd, nf3 = message.NSMessageV3, message.NSMessageV2, message.NSMessage, message.NSSender, nsNf3
	ds := path(nsSvc3, "deliverSecure", nsSvc3, "deliverSecure")
	delivery := ds + "/" + path(m3, "SignedDelivery", m3, "Delivery")
	dHeader := delivery + "/" + step(m3, "Header")
	nt := path(nsSvc3, "notify", nsSvc3, "notify")
	nHeader := nt + "/" + step(nf3, "Header")
	return map[string]role{
		dHeader + "/" + path(m2, "Sender", snd, "Id"):                roleSender,
		dHeader + "/" + step(m2, "Recipient"):                        roleRecipient,
		delivery + "/" + path(m3, "Message", m3, "Header", m3, "Id"): roleMessageID,
		ds + "/" + step(m3, "Seal"):                                  roleSeal,
		ds + "/" + step(message.NSDSig, "Signature"):                 roleSealSignature,
		nHeader + "/" + path(m, "Sender", snd, "Id"):                 roleSender,
		nHeader + "/" + step(m, "Recipient"):                         roleRecipient,
		nt + "/" + path(nf3, "Message", nf3, "header", m3, "Id"):     roleMessageID,
	}
}

// scanRequest reads the facts a proof checks from a deliverSecure or notify
// request envelope. It checks structure only as far as it reads; the
// signatures are package sign's to verify.
func scanRequest(doc []byte) (*requestFacts, error) {
	p, err := soap.ReadRequest(doc)
	if err != nil {
		return nil, envelopeError(err)
	}
	d, start := p.Decoder, p.Start
	if start.Name.Space != nsSvc3 || (start.Name.Local != "deliverSecure" && start.Name.Local != "notify") {
		return nil, &ParseError{Path: "/Envelope/Body/" + start.Name.Local, Reason: "want deliverSecure or notify in namespace " + nsSvc3}
	}
	f := &requestFacts{kind: start.Name.Local}
	paths := requestPaths()
	stack := []string{step(start.Name.Space, start.Name.Local)}
	var text []byte
	var seal, sig bool
	for len(stack) > 0 {
		t, err := d.Token()
		if err != nil {
			return nil, &ParseError{Path: "/Envelope/Body/" + start.Name.Local, Reason: err.Error()}
		}
		switch t := t.(type) {
		case xml.StartElement:
			stack = append(stack, step(t.Name.Space, t.Name.Local))
			text = text[:0]
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			v := strings.TrimSpace(string(text))
			switch paths[strings.Join(stack, "/")] {
			case roleSender:
				f.sender = v
			case roleRecipient:
				f.recipients = append(f.recipients, v)
			case roleMessageID:
				f.messageIDs = append(f.messageIDs, v)
			case roleSeal:
				seal = true
			case roleSealSignature:
				sig = true
			}
			stack = stack[:len(stack)-1]
			text = text[:0]
		}
	}
	f.sealed = seal && sig
	if err := soapEnd(d); err != nil {
		return nil, err
	}
	return f, nil
}
