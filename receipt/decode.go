package receipt

import (
	"bytes"
	"encoding/xml"

	"github.com/avsandare/mm/message"
)

// Namespaces of the answers: the wrapper elements are in Service/v3, a
// DeliveryResult's children in Service, a NotifyResult's in
// Notification/v3.
const (
	nsSvc3 = message.NSServiceV3
	nsSvc  = message.NSService
	nsNf3  = message.NSNotificationV3
)

// DecodeDeliverSecureResponse reads a deliverSecureResponse element from d,
// which has just returned its start tag as start (the SOAP layer hands the
// body's payload over this way). It reads up to and including the end tag,
// so d is left after the element. Namespace prefixes do not matter; the
// order and namespaces the schema prescribes do. Errors wrap ErrMalformed.
func DecodeDeliverSecureResponse(d *xml.Decoder, start xml.StartElement) (*DeliveryResult, error) {
	r, err := begin(d, start, "deliverSecureResponse")
	if err != nil {
		return nil, err
	}
	var res DeliveryResult
	if res.TransID, err = r.leaf(nsSvc, "TransId"); err != nil {
		return nil, err
	}
	for first := true; first || r.is(nsSvc, "Status"); first = false {
		if len(res.Statuses) == maxStatuses {
			return nil, r.fail("more than %d statuses", maxStatuses)
		}
		var st DeliveryStatus
		if err := r.open(nsSvc, "Status"); err != nil {
			return nil, err
		}
		id, err := r.recipientID(nsSvc)
		if err != nil {
			return nil, err
		}
		st.RecipientID = message.RecipientID(id)
		if st.Delivered, err = r.boolean(nsSvc, "Delivered"); err != nil {
			return nil, err
		}
		if err := r.close(); err != nil {
			return nil, err
		}
		res.Statuses = append(res.Statuses, st)
	}
	return &res, finish(r)
}

// DecodeNotifyResponse reads a notifyResponse element from d, which has just
// returned its start tag as start; see [DecodeDeliverSecureResponse].
func DecodeNotifyResponse(d *xml.Decoder, start xml.StartElement) (*NotifyResult, error) {
	r, err := begin(d, start, "notifyResponse")
	if err != nil {
		return nil, err
	}
	var res NotifyResult
	if res.TransID, err = r.leaf(nsNf3, "TransId"); err != nil {
		return nil, err
	}
	for first := true; first || r.is(nsNf3, "Status"); first = false {
		if len(res.Statuses) == maxStatuses {
			return nil, r.fail("more than %d statuses", maxStatuses)
		}
		st, err := r.notifyStatus()
		if err != nil {
			return nil, err
		}
		res.Statuses = append(res.Statuses, st)
	}
	return &res, finish(r)
}

func (r *xreader) notifyStatus() (NotifyStatus, error) {
	var st NotifyStatus
	if err := r.open(nsNf3, "Status"); err != nil {
		return st, err
	}
	id, err := r.recipientID(nsNf3)
	if err != nil {
		return st, err
	}
	st.RecipientID = message.RecipientID(id)
	if err := r.open(nsNf3, "DeliveryStatus"); err != nil {
		return st, err
	}
	if st.Delivered, err = r.boolean(nsNf3, "DeliveredFlag"); err != nil {
		return st, err
	}
	for r.is(nsNf3, "NotifiedByChannel") {
		if len(st.NotifiedBy) == 2 {
			return st, r.fail("more than two NotifiedByChannel")
		}
		ch, err := r.leaf(nsNf3, "NotifiedByChannel")
		if err != nil {
			return st, err
		}
		if ch != NotifiedSMS && ch != NotifiedEMail {
			return st, r.failIn("NotifiedByChannel", "want SMS or EMail, got %q", short(ch))
		}
		st.NotifiedBy = append(st.NotifiedBy, ch)
	}
	if err := r.close(); err != nil { // DeliveryStatus
		return st, err
	}
	return st, r.close() // Status
}

// begin checks the payload's start tag and opens its return element.
func begin(d *xml.Decoder, start xml.StartElement, local string) (*xreader, error) {
	r := &xreader{d: d, path: []string{start.Name.Local}}
	if start.Name.Space != nsSvc3 || start.Name.Local != local {
		return nil, r.fail("want element %s in namespace %s", local, nsSvc3)
	}
	return r, r.open(nsSvc3, "return")
}

// finish closes the return element and the payload.
func finish(r *xreader) error {
	if err := r.close(); err != nil {
		return err
	}
	return r.close()
}

// ParseDeliverSecureResponse reads a deliverSecureResponse element given as
// the bare bytes of that element (no SOAP envelope around it).
func ParseDeliverSecureResponse(payload []byte) (*DeliveryResult, error) {
	return parseBare(payload, DecodeDeliverSecureResponse)
}

// ParseNotifyResponse reads a notifyResponse element given as the bare bytes
// of that element.
func ParseNotifyResponse(payload []byte) (*NotifyResult, error) {
	return parseBare(payload, DecodeNotifyResponse)
}

func parseBare[T any](payload []byte, decode func(*xml.Decoder, xml.StartElement) (T, error)) (T, error) {
	var zero T
	d := xml.NewDecoder(bytes.NewReader(payload))
	r := &xreader{d: d}
	t, err := r.next()
	if err != nil {
		return zero, err
	}
	start, ok := t.(xml.StartElement)
	if !ok {
		return zero, r.fail("want a start tag")
	}
	v, err := decode(d, start)
	if err != nil {
		return zero, err
	}
	return v, r.eof()
}
