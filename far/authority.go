package far

import (
	"encoding/xml"
	"strings"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

// The Authority service's operations getSenders and getDispatchers are
// described in the contract document (§3.2.2–3.2.3) but their wrapper
// elements are not in the published XSD set. The SDK uses document/literal
// wrappers in the Authority schema's namespace, as for the other services:
//
//	<getSenders xmlns="http://minameddelanden.gov.se/schema/Authority"/>
//	<getSendersResponse xmlns="…/Authority"><return><Id xmlns="…/Sender">…</Id><Name …>…</Name></return>…</getSendersResponse>
//	<getDispatchers xmlns="…/Authority"/>
//	<getDispatchersResponse xmlns="…/Authority"><return><Id xmlns="…/Dispatcher">…</Id><Name …/><Senders …/>…</return>…</getDispatchersResponse>
//
// The return items are the schema's Sender and Dispatcher types. Confirm the
// wrappers against the Authority WSDL of the connection agreement; they are
// kept in this one file so that a correction stays small.
const nsAuthority = message.NSAuthority

// RegisteredSender is a sender connected to FaR (getSenders).
type RegisteredSender struct {
	ID   message.OrgNumber
	Name string
}

// Dispatcher is an intermediary (förmedlare) connected to FaR, with the
// senders it is approved to sign for (getDispatchers).
type Dispatcher struct {
	ID      message.OrgNumber
	Name    string
	Senders []message.OrgNumber
}

// MaySignFor reports whether the dispatcher may sign for sender.
func (d Dispatcher) MaySignFor(sender message.OrgNumber) bool {
	for _, s := range d.Senders {
		if s == sender {
			return true
		}
	}
	return false
}

func appendAuthorityRequest(dst []byte, op string) []byte {
	w := canon.New(dst, "")
	w.Open(op, nsAuthority)
	w.Close(op)
	return w.Buf
}

type sendersResponseXML struct {
	Return []struct {
		ID   string `xml:"http://minameddelanden.gov.se/schema/Sender Id"`
		Name string `xml:"http://minameddelanden.gov.se/schema/Sender Name"`
	} `xml:"http://minameddelanden.gov.se/schema/Authority return"`
}

type dispatchersResponseXML struct {
	Return []struct {
		ID      string   `xml:"http://minameddelanden.gov.se/schema/Dispatcher Id"`
		Name    string   `xml:"http://minameddelanden.gov.se/schema/Dispatcher Name"`
		Senders []string `xml:"http://minameddelanden.gov.se/schema/Dispatcher Senders"`
	} `xml:"http://minameddelanden.gov.se/schema/Authority return"`
}

func decodeSenders(d *xml.Decoder, start xml.StartElement) ([]RegisteredSender, error) {
	if start.Name.Space != nsAuthority || start.Name.Local != "getSendersResponse" {
		return nil, malformed("want getSendersResponse in %s, got %s in %s", nsAuthority, start.Name.Local, start.Name.Space)
	}
	var resp sendersResponseXML
	if err := d.DecodeElement(&resp, &start); err != nil {
		return nil, malformed("getSendersResponse: %v", err)
	}
	out := make([]RegisteredSender, 0, len(resp.Return))
	for i, r := range resp.Return {
		id, err := message.ParseOrgNumber(r.ID)
		if err != nil {
			return nil, malformed("sender %d: Id %q is not an organisation number", i+1, r.ID)
		}
		out = append(out, RegisteredSender{ID: id, Name: strings.TrimSpace(r.Name)})
	}
	return out, nil
}

func decodeDispatchers(d *xml.Decoder, start xml.StartElement) ([]Dispatcher, error) {
	if start.Name.Space != nsAuthority || start.Name.Local != "getDispatchersResponse" {
		return nil, malformed("want getDispatchersResponse in %s, got %s in %s", nsAuthority, start.Name.Local, start.Name.Space)
	}
	var resp dispatchersResponseXML
	if err := d.DecodeElement(&resp, &start); err != nil {
		return nil, malformed("getDispatchersResponse: %v", err)
	}
	out := make([]Dispatcher, 0, len(resp.Return))
	for i, r := range resp.Return {
		id, err := message.ParseOrgNumber(r.ID)
		if err != nil {
			return nil, malformed("dispatcher %d: Id %q is not an organisation number", i+1, r.ID)
		}
		disp := Dispatcher{ID: id, Name: strings.TrimSpace(r.Name)}
		for _, s := range r.Senders {
			org, err := message.ParseOrgNumber(s)
			if err != nil {
				return nil, malformed("dispatcher %d: sender %q is not an organisation number", i+1, s)
			}
			disp.Senders = append(disp.Senders, org)
		}
		out = append(out, disp)
	}
	return out, nil
}
