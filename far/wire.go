package far

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

// ErrMalformedAnswer is wrapped by every error about an answer from FaR that
// does not have the shape the contracts give it.
var ErrMalformedAnswer = errors.New("malformed answer from FaR")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedAnswer, fmt.Sprintf(format, a...))
}

const (
	nsV3 = message.NSRecipientV3
	nsR  = message.NSRecipient
)

// appendIsReachable writes the Recipient v3 isReachable request element.
func appendIsReachable(dst []byte, sender message.OrgNumber, ids []message.RecipientID) []byte {
	w := canon.New(dst, "")
	w.Open("isReachable", nsV3)
	w.Leaf("senderOrgNr", nsV3, string(sender))
	for _, id := range ids {
		w.Leaf("recipientId", nsV3, string(id))
	}
	w.Close("isReachable")
	return w.Buf
}

// appendIsRegistered writes the Recipient v3 isRegistered request element.
func appendIsRegistered(dst []byte, ids []message.RecipientID) []byte {
	w := canon.New(dst, "")
	w.Open("isRegistered", nsV3)
	for _, id := range ids {
		w.Leaf("recipientId", nsV3, string(id))
	}
	w.Close("isRegistered")
	return w.Buf
}

// The answer's shapes, for encoding/xml. Fields are strings so that every
// value is checked here, with errors that say what was wrong.
type accountStatusXML struct {
	RecipientID      *string `xml:"http://minameddelanden.gov.se/schema/Recipient RecipientId"`
	Type             *string `xml:"http://minameddelanden.gov.se/schema/Recipient Type"`
	Pending          *string `xml:"http://minameddelanden.gov.se/schema/Recipient Pending"`
	ServiceSupplier  *supplierXML
	LastRegistration string `xml:"http://minameddelanden.gov.se/schema/Recipient LastRegistration"`
}

type supplierXML struct {
	XMLName       xml.Name `xml:"http://minameddelanden.gov.se/schema/Recipient ServiceSupplier"`
	ID            string   `xml:"http://minameddelanden.gov.se/schema/Recipient Id"`
	Name          string   `xml:"http://minameddelanden.gov.se/schema/Recipient Name"`
	Logo          string   `xml:"http://minameddelanden.gov.se/schema/Recipient Logo"`
	ServiceAdress string   `xml:"http://minameddelanden.gov.se/schema/Recipient ServiceAdress"`
	UIAdress      string   `xml:"http://minameddelanden.gov.se/schema/Recipient UIAdress"`
}

type reachabilityXML struct {
	AccountStatus          *accountStatusXML `xml:"http://minameddelanden.gov.se/schema/Recipient AccountStatus"`
	SenderAccepted         *string           `xml:"http://minameddelanden.gov.se/schema/Recipient SenderAccepted"`
	LastSenderAcceptChange string            `xml:"http://minameddelanden.gov.se/schema/Recipient LastSenderAcceptChange"`
}

type isReachableResponseXML struct {
	Return []reachabilityXML `xml:"http://minameddelanden.gov.se/schema/Recipient/v3 return"`
}

type isRegisteredResponseXML struct {
	Return []accountStatusXML `xml:"http://minameddelanden.gov.se/schema/Recipient/v3 return"`
}

// decodeIsReachable reads an isReachableResponse element (start already
// read) into one Reachability per return, in the order FaR sent them.
func decodeIsReachable(d *xml.Decoder, start xml.StartElement) ([]Reachability, error) {
	if start.Name.Space != nsV3 || start.Name.Local != "isReachableResponse" {
		return nil, malformed("want isReachableResponse in %s, got %s in %s", nsV3, start.Name.Local, start.Name.Space)
	}
	var resp isReachableResponseXML
	if err := d.DecodeElement(&resp, &start); err != nil {
		return nil, malformed("isReachableResponse: %v", err)
	}
	out := make([]Reachability, len(resp.Return))
	for i, r := range resp.Return {
		if r.AccountStatus == nil {
			return nil, malformed("return %d has no AccountStatus", i+1)
		}
		acc, err := r.AccountStatus.account()
		if err != nil {
			return nil, malformed("return %d: %v", i+1, err)
		}
		accepted, err := xsdBool("SenderAccepted", r.SenderAccepted)
		if err != nil {
			return nil, malformed("return %d: %v", i+1, err)
		}
		changed, err := xsdDateTime("LastSenderAcceptChange", r.LastSenderAcceptChange)
		if err != nil {
			return nil, malformed("return %d: %v", i+1, err)
		}
		out[i] = Reachability{Account: acc, SenderAccepted: accepted, LastSenderAcceptChange: changed}
	}
	return out, nil
}

// decodeIsRegistered reads an isRegisteredResponse element.
func decodeIsRegistered(d *xml.Decoder, start xml.StartElement) ([]Account, error) {
	if start.Name.Space != nsV3 || start.Name.Local != "isRegisteredResponse" {
		return nil, malformed("want isRegisteredResponse in %s, got %s in %s", nsV3, start.Name.Local, start.Name.Space)
	}
	var resp isRegisteredResponseXML
	if err := d.DecodeElement(&resp, &start); err != nil {
		return nil, malformed("isRegisteredResponse: %v", err)
	}
	out := make([]Account, len(resp.Return))
	for i, r := range resp.Return {
		acc, err := r.account()
		if err != nil {
			return nil, malformed("return %d: %v", i+1, err)
		}
		out[i] = acc
	}
	return out, nil
}

func (a *accountStatusXML) account() (Account, error) {
	if a.RecipientID == nil {
		return Account{}, fmt.Errorf("AccountStatus has no RecipientId")
	}
	id := message.RecipientID(strings.TrimSpace(*a.RecipientID))
	if !id.Valid() {
		return Account{}, fmt.Errorf("RecipientId %s is not a valid identity", id.Masked())
	}
	if a.Type == nil {
		return Account{}, fmt.Errorf("AccountStatus for %s has no Type", id.Masked())
	}
	acc := Account{Recipient: id, Type: AccountType(strings.TrimSpace(*a.Type))}
	switch acc.Type {
	case Secure, Anonymous, NoAccount:
	default:
		return Account{}, fmt.Errorf("account type %q is not Secure, Anonymous or Not", acc.Type)
	}
	var err error
	if acc.Pending, err = xsdBool("Pending", a.Pending); err != nil {
		return Account{}, err
	}
	if acc.LastRegistration, err = xsdDateTime("LastRegistration", a.LastRegistration); err != nil {
		return Account{}, err
	}
	if s := a.ServiceSupplier; s != nil {
		org, err := message.ParseOrgNumber(s.ID)
		if err != nil {
			return Account{}, fmt.Errorf("ServiceSupplier Id %q is not an organisation number", s.ID)
		}
		acc.Operator = &Operator{
			ID: org, Name: strings.TrimSpace(s.Name), Logo: strings.TrimSpace(s.Logo),
			ServiceAddress: strings.TrimSpace(s.ServiceAdress), UIAddress: strings.TrimSpace(s.UIAdress),
		}
	}
	return acc, nil
}

func xsdBool(field string, s *string) (bool, error) {
	if s == nil {
		return false, fmt.Errorf("%s is missing", field)
	}
	switch strings.TrimSpace(*s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%s %q is not a boolean", field, *s)
}

// xsdDateTime reads an optional xs:dateTime; FaR writes
// 2016-10-30T15:38:49.517+01:00.
func xsdDateTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not an xs:dateTime", field, s)
}
