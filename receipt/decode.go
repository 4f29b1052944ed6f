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
	res, err := decodeDeliverSecureResponse(d, start)
	return res, parseError(err)
}

func decodeDeliverSecureResponse(d *xml.Decoder, start xml.StartElement) (*DeliveryResult, error) {
	r, err := begin(d, start, "deliverSecureResponse")
	if err != nil {
		return nil, err
	}
	var res DeliveryResult
	if res.TransID, err = r.Leaf(nsSvc, "TransId"); err != nil {
		return nil, err
	}
	for first := true; first || r.Is(nsSvc, "Status"); first = false {
		if len(res.Statuses) == maxStatuses {
			return nil, r.Errorf("more than %d statuses", maxStatuses)
		}
		var st DeliveryStatus
		if err := r.Start(nsSvc, "Status"); err != nil {
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
		if err := r.End(); err != nil {
			return nil, err
		}
		res.Statuses = append(res.Statuses, st)
	}
	return &res, finish(r)
}

// DecodeNotifyResponse reads a notifyResponse element from d, which has just
// returned its start tag as start; see [DecodeDeliverSecureResponse].
func DecodeNotifyResponse(d *xml.Decoder, start xml.StartElement) (*NotifyResult, error) {
	res, err := decodeNotifyResponse(d, start)
	return res, parseError(err)
}

func decodeNotifyResponse(d *xml.Decoder, start xml.StartElement) (*NotifyResult, error) {
	r, err := begin(d, start, "notifyResponse")
	if err != nil {
		return nil, err
	}
	var res NotifyResult
	if res.TransID, err = r.Leaf(nsNf3, "TransId"); err != nil {
		return nil, err
	}
	for first := true; first || r.Is(nsNf3, "Status"); first = false {
		if len(res.Statuses) == maxStatuses {
			return nil, r.Errorf("more than %d statuses", maxStatuses)
		}
		st, err := r.notifyStatus()
		if err != nil {
			return nil, err
		}
		res.Statuses = append(res.Statuses, st)
	}
	return &res, finish(r)
}

func (r xreader) notifyStatus() (NotifyStatus, error) {
	var st NotifyStatus
	if err := r.Start(nsNf3, "Status"); err != nil {
		return st, err
	}
	id, err := r.recipientID(nsNf3)
	if err != nil {
		return st, err
	}
	st.RecipientID = message.RecipientID(id)
	if err := r.Start(nsNf3, "DeliveryStatus"); err != nil {
		return st, err
	}
	if st.Delivered, err = r.boolean(nsNf3, "DeliveredFlag"); err != nil {
		return st, err
	}
	for r.Is(nsNf3, "NotifiedByChannel") {
		if len(st.NotifiedBy) == 2 {
			return st, r.Errorf("more than two NotifiedByChannel")
		}
		ch, err := r.Leaf(nsNf3, "NotifiedByChannel")
		if err != nil {
			return st, err
		}
		if ch != NotifiedSMS && ch != NotifiedEMail {
			return st, r.ChildErrorf("NotifiedByChannel", "want SMS or EMail, got %q", short(ch))
		}
		st.NotifiedBy = append(st.NotifiedBy, ch)
	}
	if err := r.End(); err != nil { // DeliveryStatus
		return st, err
	}
	return st, r.End() // Status
}

// begin checks the payload's start tag and opens its return element.
func begin(d *xml.Decoder, start xml.StartElement, local string) (xreader, error) {
	r := newXReader(d, start.Name.Local)
	if start.Name.Space != nsSvc3 || start.Name.Local != local {
		return xreader{}, r.Errorf("want element %s in namespace %s", local, nsSvc3)
	}
	return r, r.Start(nsSvc3, "return")
}

// finish closes the return element and the payload.
func finish(r xreader) error {
	if err := r.End(); err != nil {
		return err
	}
	return r.End()
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
	r := newXReader(d)
	start, err := r.Next()
	if err != nil {
		return zero, parseError(err)
	}
	v, err := decode(d, start)
	if err != nil {
		return zero, err
	}
	return v, parseError(r.EOF())
}
