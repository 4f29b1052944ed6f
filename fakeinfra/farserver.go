package fakeinfra

import (
	"encoding/xml"
	"fmt"
	"net/http"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
)

// Endpoint names a service of the fake, for Requests and fault injection.
type Endpoint string

// FaR's endpoints.
const (
	EndpointRecipient Endpoint = "far/recipient"
	EndpointAuthority Endpoint = "far/authority"
)

// OperatorEndpoint names an operator's Service v3 endpoint.
func OperatorEndpoint(name string) Endpoint { return Endpoint("operator/" + name) }

// serveFaR answers Recipient v3 and Authority calls.
func (i *Infra) serveFaR(w http.ResponseWriter, r *http.Request) {
	var ep Endpoint
	switch r.URL.Path {
	case "/Recipient/v3":
		ep = EndpointRecipient
	case "/Authority":
		ep = EndpointAuthority
	default:
		http.NotFound(w, r)
		return
	}
	i.serve(ep, w, r, func(body []byte) ([]byte, *faultAnswer) { return i.answerFaR(ep, r, body) })
}

// answerFaR decodes a FaR request and builds the answer.
func (i *Infra) answerFaR(ep Endpoint, r *http.Request, body []byte) ([]byte, *faultAnswer) {
	p, err := soap.ReadRequest(body)
	if err != nil {
		return nil, invalidInput("not a SOAP request: %v", err)
	}
	name := p.Start.Name
	switch {
	case ep == EndpointRecipient && name.Space == message.NSRecipientV3 && name.Local == "isReachable":
		var req struct {
			Sender string   `xml:"http://minameddelanden.gov.se/schema/Recipient/v3 senderOrgNr"`
			IDs    []string `xml:"http://minameddelanden.gov.se/schema/Recipient/v3 recipientId"`
		}
		if err := p.Decoder.DecodeElement(&req, &p.Start); err != nil {
			return nil, invalidInput("isReachable: %v", err)
		}
		sender, fa := i.callerMayAskFor(r, req.Sender)
		if fa != nil {
			return nil, fa
		}
		ids, fa := recipientIDs(req.IDs, 0)
		if fa != nil {
			return nil, fa
		}
		return appendIsReachableResponse(nil, i.reachability(sender, ids)), nil
	case ep == EndpointRecipient && name.Space == message.NSRecipientV3 && name.Local == "isRegistered":
		var req struct {
			IDs []string `xml:"http://minameddelanden.gov.se/schema/Recipient/v3 recipientId"`
		}
		if err := p.Decoder.DecodeElement(&req, &p.Start); err != nil {
			return nil, invalidInput("isRegistered: %v", err)
		}
		ids, fa := recipientIDs(req.IDs, 1)
		if fa != nil {
			return nil, fa
		}
		accounts := make([]far.Account, len(ids))
		for k, r := range i.reachability("", ids) {
			accounts[k] = r.Account
		}
		return appendIsRegisteredResponse(nil, accounts), nil
	case ep == EndpointAuthority && name.Space == message.NSAuthorityService:
		return i.answerAuthority(p)
	}
	return nil, invalidInput("no operation {%s}%s at this endpoint", name.Space, name.Local)
}

// answerAuthority answers an Authority operation, whose wrappers are in
// the service's own namespace and whose arguments are unqualified (SPEC
// §2).
func (i *Infra) answerAuthority(p *soap.Payload) ([]byte, *faultAnswer) {
	switch op := p.Start.Name.Local; op {
	case "getSenders", "getDispatchers":
		if err := p.Decoder.Skip(); err != nil {
			return nil, invalidInput("%s: %v", op, err)
		}
		if op == "getSenders" {
			return appendSendersResponse(nil, i.reg.sendersList()), nil
		}
		return appendDispatchersResponse(nil, i.reg.dispatchersList()), nil
	case "isSenderAccepted":
		// Decoded by hand: a struct tag would take a qualified arg0 too,
		// which the service's unqualified binding does not.
		var req struct {
			Arg0 []struct {
				XMLName xml.Name
				Text    string `xml:",chardata"`
			} `xml:",any"`
		}
		if err := p.Decoder.DecodeElement(&req, &p.Start); err != nil {
			return nil, invalidInput("isSenderAccepted: %v", err)
		}
		if len(req.Arg0) != 1 || req.Arg0[0].XMLName != (xml.Name{Local: "arg0"}) {
			return nil, invalidInput("isSenderAccepted: want exactly one unqualified arg0")
		}
		arg := req.Arg0[0].Text
		org, err := message.ParseOrgNumber(arg)
		if err != nil || string(org) != arg {
			return nil, invalidInput("isSenderAccepted: arg0 is not an organisation number in wire form")
		}
		return appendSenderAcceptedResponse(nil, i.reg.senderAccepted(org)), nil
	}
	return nil, invalidInput("no operation {%s}%s at this endpoint", p.Start.Name.Space, p.Start.Name.Local)
}

// faultDetail is the element a fault at ep is written in: getSenders and
// getDispatchers declare their own (getSendersFault, getDispatchersFault);
// everything else uses applicationFault, isSenderAccepted included, whose
// fault element the published descriptions do not show.
func faultDetail(ep Endpoint, body []byte) soap.Detail {
	if ep == EndpointAuthority {
		if p, err := soap.ReadRequest(body); err == nil && p.Start.Name.Space == message.NSAuthorityService {
			switch op := p.Start.Name.Local; op {
			case "getSenders", "getDispatchers":
				return soap.AuthorityFault(op)
			}
		}
	}
	return soap.ApplicationFault()
}

// callerMayAskFor checks the sender a lookup is made for: a registered
// sender that the client certificate's organisation may act for.
func (i *Infra) callerMayAskFor(r *http.Request, senderText string) (message.OrgNumber, *faultAnswer) {
	sender, err := message.ParseOrgNumber(senderText)
	if err != nil || string(sender) != senderText {
		return "", invalidInput("senderOrgNr is not an organisation number")
	}
	if fa := i.checkSender(sender); fa != nil {
		return "", fa
	}
	if fa := i.callerMayActFor(r, sender); fa != nil {
		return "", fa
	}
	return sender, nil
}

// recipientIDs checks the identities of a request.
func recipientIDs(raw []string, min int) ([]message.RecipientID, *faultAnswer) {
	if len(raw) > far.MaxPerCall {
		return nil, &faultAnswer{code: soap.CodeMaximumExceeded, desc: fmt.Sprintf("%d recipients in one call; at most %d", len(raw), far.MaxPerCall)}
	}
	if len(raw) < min {
		return nil, invalidInput("at least %d recipientId", min)
	}
	ids := make([]message.RecipientID, len(raw))
	for k, s := range raw {
		id := message.RecipientID(s)
		if !id.Valid() {
			return nil, invalidInput("recipientId %d is not a valid identity", k+1)
		}
		ids[k] = id
	}
	return ids, nil
}

// reachability answers for each id as FaR would for sender ("" for
// isRegistered, where acceptance does not matter).
func (i *Infra) reachability(sender message.OrgNumber, ids []message.RecipientID) []far.Reachability {
	out := make([]far.Reachability, len(ids))
	for k, id := range ids {
		res := far.Reachability{Account: far.Account{Recipient: id, Type: far.NoAccount}}
		if rec, ok := i.reg.lookup(id); ok {
			res.Type = rec.account
			res.Pending = rec.pending
			if rec.account != far.NoAccount {
				res.LastRegistration = rec.since
				if op, ok := i.operators[rec.operator]; ok {
					d := op.describe()
					res.Operator = &d
				}
				res.SenderAccepted = !rec.rejects[sender]
			}
		}
		out[k] = res
	}
	return out
}

// callerOrg is the organisation number in the client certificate.
func callerOrg(r *http.Request) (message.OrgNumber, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return "", fmt.Errorf("no client certificate")
	}
	return orgOfCert(r.TLS.PeerCertificates[0])
}
