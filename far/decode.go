package far

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/avsandare/mm/internal/xmltok"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
)

// The answers are read by walking their tokens (see readAnswer) rather
// than decoding them into structs: an answer for 1000 recipients is some
// 17,000 elements, and reflection, a string for every field and checks
// after the fact would cost more than the tokens themselves. The walk
// keeps each value as bytes until it is checked, matches RecipientId
// against the identities asked instead of parsing it, shares one Operator
// between the recipients of one operator, and parses dates without
// allocating (BenchmarkDecodeIsReachable).
//
// The walk is strict where a lax reading could change where mail goes and
// lenient where it could not: a known field given twice, text where only
// elements belong, or an element inside a value is an error; an element
// the contracts do not define is skipped, so that a field FaR adds later
// does not stop every sender.

// walker reads an answer element by element.
type walker struct {
	d   *xmltok.Decoder
	buf []byte
}

// child returns the next child element of the element being read, or
// ok false at its end. Comments, processing instructions and white space
// are passed over; other text is an error.
func (w *walker) child(parent string) (se xml.StartElement, ok bool, err error) {
	for {
		t, err := w.d.Token()
		if err != nil {
			return se, false, unexpected(parent, err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			return t, true, nil
		case xml.EndElement:
			return se, false, nil
		case xml.CharData:
			if len(bytes.TrimLeft(t, xmlSpace)) != 0 {
				return se, false, fmt.Errorf("text in %s where only elements belong", parent)
			}
		}
	}
}

// children calls fn for each child element of the element being read, up
// to its end; fn reads the child whole (text or skip).
func (w *walker) children(parent string, fn func(xml.StartElement) error) error {
	for {
		se, ok, err := w.child(parent)
		if err != nil || !ok {
			return err
		}
		if err := fn(se); err != nil {
			return err
		}
	}
}

// text reads the content of the element just started, up to its end,
// trimmed of white space. The result is valid until the next call: text
// in one piece is xmltok's own slice, which stays valid; text in pieces
// (around a comment) is joined in buf, which the next call reuses.
func (w *walker) text(name string) ([]byte, error) {
	var first []byte
	pieces := 0
	for {
		t, err := w.d.Token()
		if err != nil {
			return nil, unexpected(name, err)
		}
		switch t := t.(type) {
		case xml.CharData:
			switch pieces {
			case 0:
				first = t
			case 1:
				w.buf = append(append(w.buf[:0], first...), t...)
			default:
				w.buf = append(w.buf, t...)
			}
			pieces++
		case xml.StartElement:
			return nil, fmt.Errorf("element %s inside %s, which holds text", t.Name.Local, name)
		case xml.EndElement:
			if pieces > 1 {
				first = w.buf
			}
			return bytes.Trim(first, xmlSpace), nil
		}
	}
}

// skip passes over the element just started and everything in it.
func (w *walker) skip(name string) error {
	if err := w.d.Skip(); err != nil {
		return unexpected(name, err)
	}
	return nil
}

// returns calls fn for each return element, in namespace retNS ("" for
// unqualified), of the payload named want in namespace ns, with its
// 1-based number. A return in another namespace is refused, naming both:
// skipping it would read a whole answer as an empty one. Other children
// are skipped.
func (w *walker) returns(start xml.StartElement, ns, want, retNS string, fn func(n int) error) error {
	if start.Name.Space != ns || start.Name.Local != want {
		return malformed("want %s in %s, got %s in %s", want, ns, start.Name.Local, nsText(start.Name.Space))
	}
	n := 0
	err := w.children(want, func(se xml.StartElement) error {
		if se.Name.Local != "return" {
			return w.skip(se.Name.Local)
		}
		if se.Name.Space != retNS {
			return fmt.Errorf("return in %s, want %s", nsText(se.Name.Space), nsText(retNS))
		}
		n++
		return fn(n)
	})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedAnswer, err)
	}
	return nil
}

// fields records which fields of one element were read, to refuse repeats
// and find missing ones.
type fields uint16

// once marks field f as read, failing when it was read before.
func (s *fields) once(f fields, name string) error {
	if *s&f != 0 {
		return fmt.Errorf("%s given twice", name)
	}
	*s |= f
	return nil
}

const xmlSpace = " \t\r\n"

// nsText names a namespace in errors; an unqualified name has none.
func nsText(ns string) string {
	if ns == "" {
		return "no namespace"
	}
	return ns
}

// unexpected reports a decoder error met inside the element named where.
func unexpected(where string, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("in %s: %w", where, err)
}

// answers decodes the answers of one call into out, one for each id asked,
// in the order asked.
type answers struct {
	*walker
	asked []message.RecipientID
	// index finds an id's position in asked; it is built only when FaR
	// answers out of order.
	index map[string]int
	// filled marks the positions answered.
	filled []bool
	// operators shares one Operator per distinct ServiceSupplier; key and
	// sup are scratch space for building its key.
	operators map[string]*message.Operator
	key, sup  []byte
	// zones shares one location per time zone offset.
	zones map[int]*time.Location
}

func newAnswers(w *walker, asked []message.RecipientID) *answers {
	return &answers{walker: w, asked: asked, filled: make([]bool, len(asked))}
}

// each calls fn for every return element of the payload named want, with
// its 1-based number, then checks that every id asked was answered.
func (a *answers) each(start xml.StartElement, want string, fn func(n int) error) error {
	err := a.returns(start, nsV3, want, nsV3, func(n int) error {
		if err := fn(n); err != nil {
			return fmt.Errorf("return %d: %w", n, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, done := range a.filled {
		if !done {
			return malformed("no answer for %s", a.asked[i].Masked())
		}
	}
	return nil
}

// place finds the position of the id FaR answered for, the n-th answer,
// and returns the id as asked. FaR answers in the order asked, which the
// first comparison finds without a map.
func (a *answers) place(b []byte, n int) (message.RecipientID, int, error) {
	i := n - 1
	if i >= len(a.asked) || string(a.asked[i]) != string(b) {
		if a.index == nil {
			a.index = make(map[string]int, len(a.asked))
			for k, id := range a.asked {
				a.index[string(id)] = k
			}
		}
		var ok bool
		if i, ok = a.index[string(b)]; !ok {
			id := message.RecipientID(b)
			if !id.Valid() {
				return "", 0, fmt.Errorf("RecipientId %s is not a valid identity", id.Masked())
			}
			return "", 0, fmt.Errorf("answer for %s, who was not asked about", id.Masked())
		}
	}
	if a.filled[i] {
		return "", 0, fmt.Errorf("%s answered twice", a.asked[i].Masked())
	}
	a.filled[i] = true
	return a.asked[i], i, nil
}

// Fields of AccountStatus, ServiceSupplier and ReachabilityStatus.
const (
	fRecipientID fields = 1 << iota
	fType
	fPending
	fSupplier
	fLastRegistration
	fAccountStatus
	fSenderAccepted
	fLastSenderAcceptChange
)

// account reads the children of an AccountStatus (or of an isRegistered
// return, which has its content) into acc, numbered n, and returns the
// position of the recipient asked.
func (a *answers) account(parent string, n int, acc *Account) (int, error) {
	var seen fields
	pos := -1
	err := a.children(parent, func(se xml.StartElement) error {
		name := se.Name.Local
		if se.Name.Space != nsR {
			return a.skip(name)
		}
		var err error
		switch name {
		case "RecipientId":
			err = a.recipientID(&seen, n, acc, &pos)
		case "Type":
			err = a.accountType(&seen, acc)
		case "Pending":
			err = a.boolField(&seen, fPending, name, &acc.Pending)
		case "ServiceSupplier":
			if err = seen.once(fSupplier, name); err == nil {
				acc.Operator, err = a.operator()
			}
		case "LastRegistration":
			err = a.dateField(&seen, fLastRegistration, name, &acc.LastRegistration)
		default:
			err = a.skip(name)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	switch {
	case seen&fRecipientID == 0:
		return 0, errors.New("AccountStatus has no RecipientId")
	case seen&fType == 0:
		return 0, fmt.Errorf("AccountStatus for %s has no Type", acc.Recipient.Masked())
	case seen&fPending == 0:
		return 0, fmt.Errorf("AccountStatus for %s has no Pending", acc.Recipient.Masked())
	}
	return pos, nil
}

func (a *answers) recipientID(seen *fields, n int, acc *Account, pos *int) error {
	if err := seen.once(fRecipientID, "RecipientId"); err != nil {
		return err
	}
	b, err := a.text("RecipientId")
	if err != nil {
		return err
	}
	acc.Recipient, *pos, err = a.place(b, n)
	return err
}

func (a *answers) accountType(seen *fields, acc *Account) error {
	if err := seen.once(fType, "Type"); err != nil {
		return err
	}
	b, err := a.text("Type")
	if err != nil {
		return err
	}
	switch string(b) {
	case string(Secure):
		acc.Type = Secure
	case string(Anonymous):
		acc.Type = Anonymous
	case string(NoAccount):
		acc.Type = NoAccount
	default:
		return fmt.Errorf("account type %q is not Secure, Anonymous or Not", b)
	}
	return nil
}

// boolField reads field f, an xs:boolean named name, into dst, once.
func (a *answers) boolField(seen *fields, f fields, name string, dst *bool) (err error) {
	if err = seen.once(f, name); err == nil {
		*dst, err = a.boolean(name)
	}
	return err
}

// dateField reads field f, an xs:dateTime named name, into dst, once.
func (a *answers) dateField(seen *fields, f fields, name string, dst *time.Time) (err error) {
	if err = seen.once(f, name); err == nil {
		*dst, err = a.dateTime(name)
	}
	return err
}

// boolean reads an xs:boolean element.
func (w *walker) boolean(name string) (bool, error) {
	b, err := w.text(name)
	if err != nil {
		return false, err
	}
	switch string(b) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%s %q is not a boolean", name, b)
}

// supplierFields are the ServiceSupplier fields kept, in the order of
// their slots in an operator's key.
var supplierFields = [...]string{"Id", "Name", "Logo", "ServiceAdress", "UIAdress"}

// operator reads a ServiceSupplier. Recipients of one operator share one
// *Operator: FaR repeats the same few operators for every recipient.
func (a *answers) operator() (*message.Operator, error) {
	var slots [len(supplierFields)][2]int // start and end of each field in a.sup
	var seen fields
	a.sup = a.sup[:0]
	err := a.children("ServiceSupplier", func(se xml.StartElement) error {
		k := -1
		if se.Name.Space == nsR {
			for j, f := range supplierFields {
				if se.Name.Local == f {
					k = j
				}
			}
		}
		if k < 0 {
			return a.skip(se.Name.Local)
		}
		if err := seen.once(1<<k, se.Name.Local); err != nil {
			return err
		}
		b, err := a.text(se.Name.Local)
		if err != nil {
			return err
		}
		slots[k] = [2]int{len(a.sup), len(a.sup) + len(b)}
		a.sup = append(a.sup, b...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The key joins the fields with NUL, which XML text cannot hold.
	a.key = a.key[:0]
	for _, s := range slots {
		a.key = append(append(a.key, a.sup[s[0]:s[1]]...), 0)
	}
	if op, ok := a.operators[string(a.key)]; ok {
		return op, nil
	}
	field := func(k int) string { return string(a.sup[slots[k][0]:slots[k][1]]) }
	org, err := message.ParseOrgNumber(field(0))
	if err != nil {
		return nil, fmt.Errorf("ServiceSupplier Id %q is not an organisation number", field(0))
	}
	// The name is shown and journalled: cleaned of what could fake a
	// line. The addresses are used as given (ServiceAddress is checked
	// as a URL before any use) and cleaned where shown.
	op := &message.Operator{ID: org, Name: safetext.Clean(field(1)), Logo: field(2), ServiceAddress: field(3), UIAddress: field(4)}
	if a.operators == nil {
		a.operators = map[string]*message.Operator{}
	}
	a.operators[string(a.key)] = op
	return op, nil
}

// decodeIsReachable reads an isReachableResponse (start already read) into
// out, which holds one Reachability per id asked, in the order asked,
// checking that FaR answered exactly once for each of them and for nobody
// else.
func decodeIsReachable(w *walker, start xml.StartElement, asked []message.RecipientID, out []Reachability) error {
	a := newAnswers(w, asked)
	return a.each(start, "isReachableResponse", func(n int) error {
		var r Reachability
		pos := -1
		var seen fields
		err := a.children("return", func(se xml.StartElement) error {
			name := se.Name.Local
			var err error
			switch {
			case se.Name.Space != nsR:
				err = a.skip(name)
			case name == "AccountStatus":
				if err = seen.once(fAccountStatus, name); err == nil {
					pos, err = a.account(name, n, &r.Account)
				}
			case name == "SenderAccepted":
				err = a.boolField(&seen, fSenderAccepted, name, &r.SenderAccepted)
			case name == "LastSenderAcceptChange":
				err = a.dateField(&seen, fLastSenderAcceptChange, name, &r.LastSenderAcceptChange)
			default:
				err = a.skip(name)
			}
			return err
		})
		if err != nil {
			return err
		}
		if seen&fAccountStatus == 0 {
			return errors.New("no AccountStatus")
		}
		if seen&fSenderAccepted == 0 {
			return errors.New("no SenderAccepted")
		}
		out[pos] = r
		return nil
	})
}

// decodeIsRegistered reads an isRegisteredResponse into out, as
// decodeIsReachable does.
func decodeIsRegistered(w *walker, start xml.StartElement, asked []message.RecipientID, out []Account) error {
	a := newAnswers(w, asked)
	return a.each(start, "isRegisteredResponse", func(n int) error {
		var acc Account
		pos, err := a.account("return", n, &acc)
		if err != nil {
			return err
		}
		out[pos] = acc
		return nil
	})
}
