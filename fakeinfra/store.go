package fakeinfra

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// StoredMessage is a message an operator stored in a recipient's mailbox.
type StoredMessage struct {
	Operator string
	TransID  string
	Received time.Time
	Sender   message.Sender
	// SealedBy and SignedBy are the organisations whose certificates sealed
	// and signed the delivery; empty for a class-1 notification.
	SealedBy message.OrgNumber
	SignedBy message.OrgNumber
	// Message is the message as verified and parsed on arrival.
	Message *message.Message
	Class   securityclass.Class
}

// Notice is a notification an operator sent a recipient about a stored
// message.
type Notice struct {
	Operator  string
	Recipient message.RecipientID
	MessageID string
	// Channel is "SMS" or "EMail".
	Channel string
	// Text is what was sent. For classes 2 and 3 it is the operator's
	// neutral text; for class 1 the sender's own notice text.
	Text    string
	Neutral bool
	At      time.Time
}

// NeutralText is the operator's notice for a class-2 or class-3 message:
// no sender, no subject, no content.
const NeutralText = "Du har fått ett nytt meddelande i din digitala brevlåda."

// store holds what the operators received.
type store struct {
	mu         sync.Mutex
	results    map[string]map[string]*result // operator → message ID → first result
	messages   []StoredMessage
	notices    []Notice
	duplicates int

	// retain, when positive, bounds what is kept to the last retain
	// results, stored messages and notices (WithRetain); order holds the
	// results' keys, oldest at next, so that the oldest is forgotten
	// first.
	retain int
	order  []resultKey
	next   int
}

type resultKey struct{ operator, messageID string }

type result struct {
	sum        [32]byte
	transID    string
	delivered  bool
	notifiedBy []string
}

// entry is a checked delivery to store.
type entry struct {
	sum       [32]byte
	delivered bool
	sender    message.Sender
	recipient message.RecipientID
	messages  []*message.Message
	sealedBy  message.OrgNumber
	signedBy  message.OrgNumber
	class1    bool
}

func (s *store) init() { s.results = map[string]map[string]*result{} }

// deliver stores e once per message ID: a repeat with the same content gets
// the first result back and counts as a duplicate; the same ID with other
// content is fault 5007.
func (s *store) deliver(op *operator, e entry, now time.Time, ch channels) (*result, *faultAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID := s.results[op.spec.Name]
	if byID == nil {
		byID = map[string]*result{}
		s.results[op.spec.Name] = byID
	}
	for _, m := range e.messages {
		if prev, ok := byID[m.ID]; ok {
			if prev.sum != e.sum {
				return nil, &faultAnswer{code: soap.CodeAlreadyExists, desc: fmt.Sprintf("message %s exists with other content", m.ID)}
			}
			s.duplicates++
			return prev, nil
		}
	}
	// Operators answer with a UUID as TransId, as in the contract samples.
	res := &result{sum: e.sum, transID: message.NewID(), delivered: e.delivered}
	if e.delivered && e.class1 {
		n := e.messages[0]
		if n.SMS != nil && ch.sms {
			res.notifiedBy = append(res.notifiedBy, "SMS")
			s.notices = append(s.notices, Notice{op.spec.Name, e.recipient, n.ID, "SMS", n.SMS.Text, false, now})
		}
		if n.Email != nil && ch.email {
			res.notifiedBy = append(res.notifiedBy, "EMail")
			s.notices = append(s.notices, Notice{op.spec.Name, e.recipient, n.ID, "EMail", n.Email.Text, false, now})
		}
	}
	for _, m := range e.messages {
		byID[m.ID] = res
		s.remember(resultKey{op.spec.Name, m.ID})
		if !e.delivered {
			continue
		}
		class := m.Class
		if !e.class1 {
			class = securityclass.Class3 // the wire does not tell 2 from 3
		}
		s.messages = append(s.messages, StoredMessage{
			Operator: op.spec.Name, TransID: res.transID, Received: now, Sender: e.sender,
			SealedBy: e.sealedBy, SignedBy: e.signedBy, Message: m, Class: class,
		})
		if !e.class1 {
			for _, c := range ch.list() {
				s.notices = append(s.notices, Notice{op.spec.Name, e.recipient, m.ID, c, NeutralText, true, now})
			}
		}
	}
	s.messages, s.notices = trim(s.messages, s.retain), trim(s.notices, s.retain)
	return res, nil
}

// remember notes a new result; with a bound, the oldest beyond it is
// forgotten.
func (s *store) remember(k resultKey) {
	if s.retain <= 0 {
		return
	}
	if len(s.order) < s.retain {
		s.order = append(s.order, k)
		return
	}
	old := s.order[s.next]
	delete(s.results[old.operator], old.messageID)
	s.order[s.next] = k
	s.next = (s.next + 1) % s.retain
}

// trim keeps the last n of list when n is positive. It copies only when
// the list has reached twice n, so that each append costs O(1) on average;
// kept returns the last n between two trims.
func trim[T any](list []T, n int) []T {
	if n <= 0 || len(list) < 2*n {
		return list
	}
	return append([]T(nil), list[len(list)-n:]...)
}

// kept is the last n of list when n is positive, else all of it.
func kept[T any](list []T, n int) []T {
	if n > 0 && len(list) > n {
		return list[len(list)-n:]
	}
	return list
}

// contentSum is the digest a repeated delivery is compared by: the signed
// delivery without its signature. A sender that signs the same message
// again — after a restart, or with ECDSA, whose signatures differ each time
// — sends the same delivery, not other content under a known ID.
func contentSum(signed []byte) [32]byte {
	// The signature is the last child of SignedDelivery (the XSD's order,
	// which sign.Verify enforces), and sign.Verify returns the document in
	// canonical, prefix-free form.
	if k := bytes.LastIndex(signed, []byte(`<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"`)); k >= 0 {
		signed = signed[:k]
	}
	return sha256.Sum256(signed)
}

// channels are the ways a recipient can be notified.
type channels struct{ sms, email bool }

func (c channels) list() []string {
	var out []string
	if c.email {
		out = append(out, "EMail")
	}
	if c.sms {
		out = append(out, "SMS")
	}
	return out
}

func (r *registry) channels(id message.RecipientID) channels {
	rec, ok := r.lookup(id)
	if !ok {
		return channels{}
	}
	return channels{sms: rec.sms, email: rec.email}
}

// Mailbox returns the messages stored for a recipient (id in any form
// people write), at every operator, in arrival order; with WithRetain,
// among the last ones kept.
func (i *Infra) Mailbox(id string) []StoredMessage {
	rid, err := message.ParseRecipientID(id)
	if err != nil {
		_ = i.report(fmt.Errorf("fakeinfra: Mailbox: %w", err))
		return nil
	}
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	var out []StoredMessage
	for _, m := range kept(i.store.messages, i.store.retain) {
		if m.Message.Recipient == rid {
			out = append(out, m)
		}
	}
	return out
}

// Deliveries returns every stored message, in arrival order; with
// WithRetain, the last ones kept.
func (i *Infra) Deliveries() []StoredMessage {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	return append([]StoredMessage(nil), kept(i.store.messages, i.store.retain)...)
}

// Notifications returns every notice the operators sent; with
// WithRetain, the last ones kept.
func (i *Infra) Notifications() []Notice {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	return append([]Notice(nil), kept(i.store.notices, i.store.retain)...)
}

// ClearDeliveries forgets the stored messages and the notifications, as
// between the parts of a test or to bound memory in a long run. The
// operators still recognise a repeat of a message they answered before.
func (i *Infra) ClearDeliveries() {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	i.store.messages, i.store.notices = nil, nil
}

// Duplicates is how many repeated deliveries the operators recognised and
// did not store again.
func (i *Infra) Duplicates() int {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	return i.store.duplicates
}

// Known reports whether an operator has a result for the message ID — it
// stored the message, or answered Delivered=false for it — and whether it
// was delivered. Chaos tests compare their records with this. With
// WithRetain, only the last results kept are known.
func (i *Infra) Known(operator, messageID string) (known, delivered bool) {
	i.store.mu.Lock()
	defer i.store.mu.Unlock()
	r, ok := i.store.results[operator][messageID]
	if !ok {
		return false, false
	}
	return true, r.delivered
}
