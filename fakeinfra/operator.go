package fakeinfra

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
)

// operator is one fake mailbox operator.
type operator struct {
	spec       OperatorSpec
	infra      *Infra
	srv        *httptest.Server
	strictness Strictness
}

func (op *operator) serviceAddress() string { return op.srv.URL + "/service/v3" }

func (op *operator) describe() message.Operator {
	return message.Operator{
		ID: op.spec.ID, Name: op.spec.DisplayName, ServiceAddress: op.serviceAddress(),
		UIAddress: "https://" + op.spec.Name + ".example/inbox",
	}
}

func (op *operator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/service/v3" {
		http.NotFound(w, r)
		return
	}
	op.infra.serve(OperatorEndpoint(op.spec.Name), w, r, func(body []byte) ([]byte, *faultAnswer) {
		return op.answer(r, body)
	})
}

func (op *operator) answer(r *http.Request, body []byte) ([]byte, *faultAnswer) {
	p, err := soap.ReadRequest(body)
	if err != nil {
		return nil, invalidInput("not a SOAP request: %v", err)
	}
	switch p.Start.Name {
	case xml.Name{Space: message.NSServiceV3, Local: "deliverSecure"}:
		return op.deliverSecure(r, body)
	case xml.Name{Space: message.NSServiceV3, Local: "notify"}:
		return op.notify(r, p)
	}
	return nil, invalidInput("no operation {%s}%s at Service v3", p.Start.Name.Space, p.Start.Name.Local)
}

// deliverSecure checks and stores a sealed delivery: first the request's
// bytes as a real operator's verifier reads them (unless relaxed), then
// with package sign, which also checks chains and reads the content.
func (op *operator) deliverSecure(r *http.Request, body []byte) ([]byte, *faultAnswer) {
	i := op.infra
	if fa := op.checkAsOperator(body); fa != nil {
		return nil, fa
	}
	v, err := sign.Verify(body, sign.VerifyOptions{Roots: i.Roots(), At: i.Now()})
	if err != nil {
		if errors.Is(err, sign.ErrMalformed) {
			return nil, invalidInput("%v", err)
		}
		return nil, &faultAnswer{code: soap.CodeSignatureInvalid, desc: err.Error()}
	}
	d := v.Delivery
	if fa := i.checkSender(d.Sender.ID); fa != nil {
		return nil, fa
	}
	// The party that connects is the intermediary (förmedlare) or the
	// sender itself; the seal is checked apart from it just below.
	if fa := i.callerMayActFor(r, d.Sender.ID); fa != nil {
		return nil, fa
	}
	seal, _ := v.Level(sign.LevelSeal)
	if !i.reg.mayActFor(seal.Signer.OrgNumber, d.Sender.ID) {
		return nil, &faultAnswer{code: soap.CodeSenderNotValidSigner, desc: fmt.Sprintf("sealed by %s, who may not act for %s", orgText(seal.Signer.OrgNumber), d.Sender.ID)}
	}
	signer, _ := v.Level(sign.LevelSender)
	if !i.reg.mayActFor(signer.Signer.OrgNumber, d.Sender.ID) {
		return nil, &faultAnswer{code: soap.CodeSignerNotParty, desc: fmt.Sprintf("signed by %s, who is neither the sender %s nor allowed to sign for it", orgText(signer.Signer.OrgNumber), d.Sender.ID)}
	}
	for _, m := range d.Messages {
		if fa := contentTypes(m); fa != nil {
			return nil, fa
		}
	}
	if fa := validity(d.Validate()); fa != nil {
		return nil, fa
	}
	to := d.Messages[0].Recipient
	delivered := op.accepts(to, d.Sender.ID)
	sum := contentSum(v.SignedDelivery)
	res, fa := op.infra.store.deliver(op, entry{
		sum: sum, delivered: delivered, sender: d.Sender, recipient: to,
		messages: d.Messages, sealedBy: seal.Signer.OrgNumber, signedBy: signer.Signer.OrgNumber,
	}, i.Now(), i.reg.channels(to))
	if fa != nil {
		return nil, fa
	}
	out, err := receipt.AppendDeliverSecureResponse(nil, &receipt.DeliveryResult{
		TransID:  res.transID,
		Statuses: []receipt.DeliveryStatus{{RecipientID: to, Delivered: res.delivered}},
	})
	if err != nil {
		return nil, &faultAnswer{code: soap.CodeGeneralTechnical, desc: err.Error()}
	}
	return out, nil
}

// notify checks and stores a class-1 notification. It carries no signature:
// the client certificate says who calls.
func (op *operator) notify(r *http.Request, p *soap.Payload) ([]byte, *faultAnswer) {
	i := op.infra
	inner, err := nextStart(p.Decoder)
	if err != nil || inner.Name != (xml.Name{Space: message.NSServiceV3, Local: "notify"}) {
		return nil, invalidInput("notify must hold one notify element")
	}
	n, err := message.DecodeNotification(p.Decoder, inner)
	if err != nil {
		return nil, invalidInput("%v", err)
	}
	if err := p.Decoder.Skip(); err != nil { // the outer notify's end
		return nil, invalidInput("%v", err)
	}
	if err := p.End(); err != nil {
		return nil, invalidInput("%v", err)
	}
	if fa := i.checkSender(n.Sender.ID); fa != nil {
		return nil, fa
	}
	if fa := i.callerMayActFor(r, n.Sender.ID); fa != nil {
		return nil, fa
	}
	if fa := contentTypes(n.Message); fa != nil {
		return nil, fa
	}
	if fa := validity(n.Validate()); fa != nil {
		return nil, fa
	}
	to := n.Message.Recipient
	delivered := op.accepts(to, n.Sender.ID)
	body, err := n.MarshalNotification()
	if err != nil {
		return nil, invalidInput("%v", err)
	}
	res, fa := i.store.deliver(op, entry{
		sum: sha256.Sum256(body), delivered: delivered, sender: n.Sender, recipient: to,
		messages: []*message.Message{n.Message}, class1: true,
	}, i.Now(), i.reg.channels(to))
	if fa != nil {
		return nil, fa
	}
	status := receipt.NotifyStatus{RecipientID: to, Delivered: res.delivered}
	if res.delivered {
		status.NotifiedBy = res.notifiedBy
	}
	out, err := receipt.AppendNotifyResponse(nil, &receipt.NotifyResult{TransID: res.transID, Statuses: []receipt.NotifyStatus{status}})
	if err != nil {
		return nil, &faultAnswer{code: soap.CodeGeneralTechnical, desc: err.Error()}
	}
	return out, nil
}

// accepts reports whether the recipient has a usable mailbox here and
// accepts the sender.
func (op *operator) accepts(to message.RecipientID, sender message.OrgNumber) bool {
	rec, ok := op.infra.reg.lookup(to)
	return ok && rec.operator == op.spec.Name && rec.account != far.NoAccount &&
		!rec.pending && !rec.declined && !rec.rejects[sender]
}

func (i *Infra) checkSender(sender message.OrgNumber) *faultAnswer {
	if !i.reg.senderRegistered(sender) {
		return &faultAnswer{code: soap.CodeNotAuthorised, desc: fmt.Sprintf("sender %s is not registered", sender)}
	}
	return nil
}

// callerMayActFor checks that the organisation in the client certificate
// may act for sender: it is the sender, or an intermediary approved for it.
func (i *Infra) callerMayActFor(r *http.Request, sender message.OrgNumber) *faultAnswer {
	caller, err := callerOrg(r)
	if err != nil || !i.reg.mayActFor(caller, sender) {
		return &faultAnswer{code: soap.CodeNotAuthorised, desc: fmt.Sprintf("the caller %s may not act for %s", orgText(caller), sender)}
	}
	return nil
}

// contentTypes gives a message with a content type outside the contracts
// fault 5019, as operators do, before any other rule.
func contentTypes(m *message.Message) *faultAnswer {
	if m.Body.ContentType != message.ContentTypePlain && m.Body.ContentType != message.ContentTypeHTML {
		return &faultAnswer{code: soap.CodeUnsupportedMIMEType, desc: fmt.Sprintf("body content type %q is not supported", m.Body.ContentType)}
	}
	for _, a := range m.Attachments {
		if !slices.Contains(message.AttachmentContentTypes(), a.ContentType) {
			return &faultAnswer{code: soap.CodeUnsupportedMIMEType, desc: fmt.Sprintf("attachment content type %q is not supported", a.ContentType)}
		}
	}
	return nil
}

// validity turns validation errors into fault 5005 (too large) or 5001.
func validity(err error) *faultAnswer {
	if err == nil {
		return nil
	}
	if errors.Is(err, message.ErrTooLarge) {
		return &faultAnswer{code: soap.CodeMaximumExceeded, desc: "a message is larger than 2 MB"}
	}
	return invalidInput("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
}

func orgOfCert(c *x509.Certificate) (message.OrgNumber, error) { return sign.OrgNumberOf(c) }

func orgText(o message.OrgNumber) string {
	if o == "" {
		return "a certificate without an organisation number"
	}
	return string(o)
}

// nextStart returns the next start element, skipping white space.
func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		t, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return xml.StartElement{}, fmt.Errorf("unexpected text")
			}
		case xml.EndElement:
			return xml.StartElement{}, fmt.Errorf("unexpected end of %s", t.Name.Local)
		}
	}
}
