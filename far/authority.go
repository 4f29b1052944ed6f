package far

import (
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
)

// The Authority service (SPEC §2; contracts/authority/Authority-wrappers.xsd)
// wraps its operations in elements of its own namespace,
// http://minameddelanden.gov.se/Authority — not the schema namespace
// …/schema/Authority of its data types — and leaves the children of the
// wrappers, return and arg0, unqualified: its WSDL declares the wrappers
// without elementFormDefault. The items inside a return are the schema
// types Sender and Dispatcher, qualified in their own namespaces:
//
//	<getSenders xmlns="http://minameddelanden.gov.se/Authority"></getSenders>
//	<getSendersResponse xmlns="…/Authority"><return xmlns=""><Id xmlns="…/schema/Sender">…</Id><Name …>…</Name></return>…</getSendersResponse>
//	<getDispatchersResponse xmlns="…/Authority"><return xmlns=""><Id xmlns="…/schema/Dispatcher">…</Id><Name …/><Senders …/>…</return>…</getDispatchersResponse>
//	<isSenderAccepted xmlns="…/Authority"><arg0 xmlns="">162021004748</arg0></isSenderAccepted>
//	<isSenderAcceptedResponse xmlns="…/Authority"><return xmlns="">true</return></isSenderAcceptedResponse>
//
// Its faults carry getSendersFault or getDispatchersFault (an
// ExceptionInformation) as detail; package soap reads them as it reads
// applicationFault.
const nsAuthority = message.NSAuthorityService

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

// appendAuthorityRequest writes the request of an operation without
// arguments (getSenders, getDispatchers).
func appendAuthorityRequest(dst []byte, op string) []byte {
	w := canon.New(dst, "")
	w.Open(op, nsAuthority)
	w.Close(op)
	return w.Buf
}

// appendIsSenderAccepted writes isSenderAccepted, whose one argument is
// the unqualified arg0.
func appendIsSenderAccepted(dst []byte, sender message.OrgNumber) []byte {
	w := canon.New(dst, "")
	w.Open("isSenderAccepted", nsAuthority)
	w.Leaf("arg0", "", string(sender))
	w.Close("isSenderAccepted")
	return w.Buf
}

// orgNumber reads an element holding an organisation number.
func (w *walker) orgNumber(what string, n int, name string) (message.OrgNumber, error) {
	b, err := w.text(name)
	if err != nil {
		return "", err
	}
	org, err := message.ParseOrgNumber(string(b))
	if err != nil {
		return "", fmt.Errorf("%s %d: %s %q is not an organisation number", what, n, name, b)
	}
	return org, nil
}

// items reads the return elements of an Authority answer named want, each
// holding the fields of one T in namespace ns, which field reads; what
// names an item in errors, and every item must have an Id.
func items[T any](w *walker, start xml.StartElement, want, ns, what string, field func(item *T, n int, se xml.StartElement) error, id func(*T) message.OrgNumber) ([]T, error) {
	var out []T
	err := w.returns(start, nsAuthority, want, "", func(n int) error {
		var item T
		err := w.children("return", func(se xml.StartElement) error {
			if se.Name.Space != ns {
				return w.skip(se.Name.Local)
			}
			return field(&item, n, se)
		})
		if err == nil && id(&item) == "" {
			err = fmt.Errorf("%s %d has no Id", what, n)
		}
		out = append(out, item)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func decodeSenders(w *walker, start xml.StartElement) ([]RegisteredSender, error) {
	return items(w, start, "getSendersResponse", message.NSSender, "sender", func(s *RegisteredSender, n int, se xml.StartElement) (err error) {
		switch se.Name.Local {
		case "Id":
			s.ID, err = w.orgNumber("sender", n, "Id")
		case "Name":
			s.Name, err = w.string("Name")
		default:
			err = w.skip(se.Name.Local)
		}
		return err
	}, func(s *RegisteredSender) message.OrgNumber { return s.ID })
}

func decodeDispatchers(w *walker, start xml.StartElement) ([]Dispatcher, error) {
	return items(w, start, "getDispatchersResponse", message.NSDispatcher, "dispatcher", func(d *Dispatcher, n int, se xml.StartElement) (err error) {
		switch se.Name.Local {
		case "Id":
			d.ID, err = w.orgNumber("dispatcher", n, "Id")
		case "Name":
			d.Name, err = w.string("Name")
		case "Senders":
			var org message.OrgNumber
			org, err = w.orgNumber("dispatcher", n, "sender")
			d.Senders = append(d.Senders, org)
		default:
			err = w.skip(se.Name.Local)
		}
		return err
	}, func(d *Dispatcher) message.OrgNumber { return d.ID })
}

// decodeSenderAccepted reads isSenderAcceptedResponse: exactly one
// xs:boolean return. A missing answer is not read as false: that would
// tell a sender it is refused because an answer was cut short.
func decodeSenderAccepted(w *walker, start xml.StartElement) (bool, error) {
	var accepted bool
	seen := 0
	err := w.returns(start, nsAuthority, "isSenderAcceptedResponse", "", func(n int) (err error) {
		if seen++; seen > 1 {
			return errors.New("isSenderAcceptedResponse has more than one return")
		}
		accepted, err = w.boolean("return")
		return err
	})
	if err != nil {
		return false, err
	}
	if seen == 0 {
		return false, malformed("isSenderAcceptedResponse has no return")
	}
	return accepted, nil
}

// string reads an element's text as a string, cleaned by safetext.Clean:
// the strings read this way are names, shown to people.
func (w *walker) string(name string) (string, error) {
	b, err := w.text(name)
	return safetext.Clean(string(b)), err
}
