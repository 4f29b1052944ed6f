package fakeinfra

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// registry is FaR's data: recipients, senders and intermediaries.
type registry struct {
	mu          sync.RWMutex
	recipients  map[message.RecipientID]*recipient
	senders     map[message.OrgNumber]string
	refused     map[message.OrgNumber]bool // registered senders isSenderAccepted says false for
	dispatchers map[message.OrgNumber]*dispatcher
}

type recipient struct {
	account  far.AccountType
	pending  bool
	operator string // name of the mailbox operator; "" without a mailbox
	rejects  map[message.OrgNumber]bool
	declined bool // FaR names the operator, but the operator says Delivered=false
	sms      bool
	email    bool
	since    time.Time
}

type dispatcher struct {
	name    string
	senders map[message.OrgNumber]bool
}

func (r *registry) init() {
	r.recipients = map[message.RecipientID]*recipient{}
	r.senders = map[message.OrgNumber]string{}
	r.refused = map[message.OrgNumber]bool{}
	r.dispatchers = map[message.OrgNumber]*dispatcher{}
}

// RecipientOption describes a recipient added with AddRecipient.
type RecipientOption func(*recipient)

// Mailbox gives the recipient a secure account with a mailbox at the named
// operator, accepting every sender.
func Mailbox(operator string) RecipientOption {
	return func(r *recipient) { r.account, r.operator = far.Secure, operator }
}

// NoMailbox makes FaR answer that the recipient has no account ("Not").
func NoMailbox() RecipientOption {
	return func(r *recipient) { r.account, r.operator = far.NoAccount, "" }
}

// Pending marks the recipient's registration as not complete.
func Pending() RecipientOption { return func(r *recipient) { r.pending = true } }

// AccountType sets the account type FaR reports (Secure, Anonymous, Not).
func AccountType(t far.AccountType) RecipientOption { return func(r *recipient) { r.account = t } }

// Rejects makes the recipient turn the given senders away: FaR says
// SenderAccepted=false for them, and the operator answers Delivered=false.
func Rejects(senders ...message.OrgNumber) RecipientOption {
	return func(r *recipient) {
		for _, s := range senders {
			r.rejects[s] = true
		}
	}
}

// DeclinedByOperator makes FaR name the operator while the operator answers
// Delivered=false, as when the two disagree for a moment.
func DeclinedByOperator() RecipientOption { return func(r *recipient) { r.declined = true } }

// Reachable sets the channels a class-1 notification can reach the recipient
// by (default: both).
func Reachable(sms, email bool) RecipientOption {
	return func(r *recipient) { r.sms, r.email = sms, email }
}

// AddRecipient registers a recipient in FaR. id may be in any form people
// write. A recipient without options has no mailbox. Adding the same
// recipient again replaces it.
func (i *Infra) AddRecipient(id string, opts ...RecipientOption) error {
	rid, err := message.ParseRecipientID(id)
	if err != nil {
		return i.report(fmt.Errorf("fakeinfra: AddRecipient: %w", err))
	}
	r := &recipient{account: far.NoAccount, rejects: map[message.OrgNumber]bool{}, sms: true, email: true, since: i.Now().Add(-24 * time.Hour)}
	for _, o := range opts {
		o(r)
	}
	if r.operator != "" {
		if _, ok := i.operators[r.operator]; !ok {
			return i.report(fmt.Errorf("fakeinfra: AddRecipient: no operator %q (have %v)", r.operator, i.opOrder))
		}
	}
	i.reg.mu.Lock()
	defer i.reg.mu.Unlock()
	i.reg.recipients[rid] = r
	return nil
}

// AddSender registers a sender in the Authority register (getSenders), as
// a sender that may send. The default sender is registered from the start.
// It returns a signer with a certificate the fake's CA issued for it.
func (i *Infra) AddSender(org, name string) (*sign.Signer, error) {
	id, err := message.ParseOrgNumber(org)
	if err != nil {
		return nil, i.report(fmt.Errorf("fakeinfra: AddSender: %w", err))
	}
	o, err := i.pki.org(id, name)
	if err != nil {
		return nil, i.report(err)
	}
	i.reg.addSender(id, name)
	i.ids.add(Identity{Role: RoleSender, Org: id, Name: name, Signer: o.signer})
	return o.signer, nil
}

// AddIntermediary registers an intermediary (förmedlare) in the Authority
// register (getDispatchers), approved to sign for the given senders, and
// returns a signer with a certificate the fake's CA issued for it.
func (i *Infra) AddIntermediary(org, name string, senders ...message.OrgNumber) (*sign.Signer, error) {
	id, err := message.ParseOrgNumber(org)
	if err != nil {
		return nil, i.report(fmt.Errorf("fakeinfra: AddIntermediary: %w", err))
	}
	o, err := i.pki.org(id, name)
	if err != nil {
		return nil, i.report(err)
	}
	d := &dispatcher{name: name, senders: map[message.OrgNumber]bool{}}
	for _, snd := range senders {
		d.senders[snd] = true
	}
	i.reg.mu.Lock()
	i.reg.dispatchers[id] = d
	i.reg.mu.Unlock()
	i.ids.add(Identity{Role: RoleIntermediary, Org: id, Name: name, Signer: o.signer})
	return o.signer, nil
}

// SetSenderAccepted sets what the Authority register's isSenderAccepted
// answers for a registered sender (true from the start), as when the
// infrastructure suspends a sender. Only that answer changes: lookups and
// deliveries for the sender go on as before. A sender that is not
// registered is never accepted.
func (i *Infra) SetSenderAccepted(org string, accepted bool) error {
	id, err := message.ParseOrgNumber(org)
	if err != nil {
		return i.report(fmt.Errorf("fakeinfra: SetSenderAccepted: %w", err))
	}
	if !i.reg.senderRegistered(id) {
		return i.report(fmt.Errorf("fakeinfra: SetSenderAccepted: sender %s is not registered (AddSender first)", id))
	}
	i.reg.mu.Lock()
	defer i.reg.mu.Unlock()
	i.reg.refused[id] = !accepted
	return nil
}

func (r *registry) addSender(id message.OrgNumber, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.senders[id] = name
}

func (r *registry) lookup(id message.RecipientID) (recipient, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.recipients[id]
	if !ok {
		return recipient{}, false
	}
	return *rec, true
}

func (r *registry) senderRegistered(id message.OrgNumber) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.senders[id]
	return ok
}

// senderAccepted is isSenderAccepted's answer: registered, and not set
// otherwise.
func (r *registry) senderAccepted(id message.OrgNumber) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.senders[id]
	return ok && !r.refused[id]
}

// mayActFor reports whether signer may sign or seal for sender: it is the
// sender, or an intermediary approved for it.
func (r *registry) mayActFor(signer, sender message.OrgNumber) bool {
	if signer == sender {
		return true
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.dispatchers[signer]
	return ok && d.senders[sender]
}

func (r *registry) sendersList() []far.RegisteredSender {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]far.RegisteredSender, 0, len(r.senders))
	for id, name := range r.senders {
		out = append(out, far.RegisteredSender{ID: id, Name: name})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

func (r *registry) dispatchersList() []far.Dispatcher {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]far.Dispatcher, 0, len(r.dispatchers))
	for id, d := range r.dispatchers {
		fd := far.Dispatcher{ID: id, Name: d.name}
		for s := range d.senders {
			fd.Senders = append(fd.Senders, s)
		}
		sort.Slice(fd.Senders, func(a, b int) bool { return fd.Senders[a] < fd.Senders[b] })
		out = append(out, fd)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}
