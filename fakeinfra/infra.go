package fakeinfra

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// Default identities of the fake.
const (
	DefaultSenderOrg  message.OrgNumber = "162021004748"
	DefaultSenderName string            = "Kommun A"
)

// OperatorSpec describes a fake mailbox operator.
type OperatorSpec struct {
	// Name is how tests and FaR answers refer to it ("kivra").
	Name string
	// ID is its organisation number.
	ID message.OrgNumber
	// DisplayName is the name FaR gives (ServiceSupplier Name).
	DisplayName string
}

// DefaultOperators() returns the four operators a fake starts with, named
// after the real ones. Kivra's organisation number is the one in the
// contract samples; the others are made up (valid check digits, no real
// owner).
func DefaultOperators() []OperatorSpec {
	return []OperatorSpec{
		{Name: "kivra", ID: "165568402266", DisplayName: "Kivra"},
		{Name: "minmyndighetspost", ID: "162021006883", DisplayName: "Min myndighetspost"},
		{Name: "billo", ID: "165590010004", DisplayName: "Billo"},
		{Name: "fortnox", ID: "165590020003", DisplayName: "Fortnox"},
	}
}

// Infra is a running fake infrastructure. It is safe for concurrent use.
type Infra struct {
	pki       *pki
	far       *httptest.Server
	operators map[string]*operator
	opOrder   []string
	sender    message.Sender
	clock     clock
	faults    faults
	reqs      requests
	reg       registry
	store     store
	ids       identities
	tb        testing.TB

	// done is closed by Close, so that calls a fault holds (Timeout,
	// Latency) give up and the servers can stop at once.
	done      chan struct{}
	closeOnce sync.Once
}

// Option configures a fake at start.
type Option func(*settings) error

type settings struct {
	sender     message.Sender
	operators  []OperatorSpec
	seed       int64
	listen     string
	strictness map[string]Strictness // by operator name; "" for every operator
	roundTrip  time.Duration
	retain     int
}

// WithRetain bounds the fake's memory for rehearsals of production size:
// the operators keep what they received for the last n deliveries only —
// the stored messages, the notices and the results by message ID — so
// that a million letters cost what n do. Mailbox, Deliveries,
// Notifications and Known see the last n; an operator answers a repeat of
// a message among the last n from what it stored, as always, but takes an
// older one as new (Duplicates does not count it). Requests and Duplicates
// count everything. 0, the default, keeps everything. In a Config it is
// retain.
func WithRetain(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("fakeinfra: retain %d is negative", n)
		}
		s.retain = n
		return nil
	}
}

// WithSender makes the default sender someone else than Kommun A.
func WithSender(org, name string) Option {
	return func(s *settings) error {
		id, err := message.ParseOrgNumber(org)
		if err != nil {
			return fmt.Errorf("fakeinfra: sender: %w", err)
		}
		s.sender = message.Sender{ID: id, Name: name}
		return nil
	}
}

// WithOperators replaces the four default operators.
func WithOperators(ops ...OperatorSpec) Option {
	return func(s *settings) error {
		if len(ops) == 0 {
			return errors.New("fakeinfra: at least one operator")
		}
		s.operators = ops
		return nil
	}
}

// WithSeed seeds the source that decides which calls a fractional fault
// strikes, so that runs repeat (default 1).
func WithSeed(seed int64) Option {
	return func(s *settings) error { s.seed = seed; return nil }
}

// WithListen makes the fake listen on fixed ports, for a fake that other
// processes find by address: FaR on addr, the operators on the ports after
// it, in order. addr is host:port with host localhost, 127.0.0.1 or ::1,
// the names the fake's server certificate holds; port 0 picks free ports at
// random, as without the option.
func WithListen(addr string) Option {
	return func(s *settings) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("fakeinfra: listen address %q: %w", addr, err)
		}
		if host != "localhost" && host != "127.0.0.1" && host != "::1" {
			return fmt.Errorf("fakeinfra: listen address %q: host must be localhost, 127.0.0.1 or ::1 (the server certificate names no other)", addr)
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return fmt.Errorf("fakeinfra: listen address %q: port must be a number from 0 to 65535", addr)
		}
		s.listen = addr
		return nil
	}
}

// addresses returns where FaR and each operator listen: "" for a random
// loopback port.
func (s *settings) addresses() ([]string, error) {
	out := make([]string, 1+len(s.operators))
	if s.listen == "" {
		return out, nil
	}
	host, portText, _ := net.SplitHostPort(s.listen) // checked by WithListen
	first, _ := strconv.Atoi(portText)
	if first+len(s.operators) > 65535 {
		return nil, fmt.Errorf("fakeinfra: listen address %q: no room for %d operator ports after it", s.listen, len(s.operators))
	}
	for k := range out {
		port := 0
		if first != 0 {
			port = first + k
		}
		out[k] = net.JoinHostPort(host, strconv.Itoa(port))
	}
	return out, nil
}

// New starts a fake infrastructure; Close stops it.
func New(opts ...Option) (*Infra, error) {
	s := settings{sender: message.Sender{ID: DefaultSenderOrg, Name: DefaultSenderName}, operators: DefaultOperators(), seed: 1}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	addrs, err := s.addresses()
	if err != nil {
		return nil, err
	}
	p, err := newPKI(s.sender)
	if err != nil {
		return nil, err
	}
	p.oneWay = s.roundTrip / 2
	i := &Infra{pki: p, operators: map[string]*operator{}, sender: s.sender, done: make(chan struct{})}
	i.faults.seed = s.seed
	i.reg.init()
	i.store.init()
	i.store.retain = s.retain
	i.reg.addSender(s.sender.ID, s.sender.Name)
	i.ids.add(Identity{Role: RoleSender, Org: s.sender.ID, Name: s.sender.Name, Signer: p.sender.signer})
	if i.far, err = p.serve(http.HandlerFunc(i.serveFaR), addrs[0]); err != nil {
		return nil, err
	}
	for name := range s.strictness {
		if name != "" && !slices.ContainsFunc(s.operators, func(o OperatorSpec) bool { return o.Name == name }) {
			i.Close()
			return nil, fmt.Errorf("fakeinfra: strictness for operator %q, which the fake does not have", name)
		}
	}
	for k, spec := range s.operators {
		if _, dup := i.operators[spec.Name]; dup {
			i.Close()
			return nil, fmt.Errorf("fakeinfra: operator %q given twice", spec.Name)
		}
		op := &operator{spec: spec, infra: i, strictness: s.strictnessOf(spec.Name)}
		if op.srv, err = p.serve(op, addrs[k+1]); err != nil {
			i.Close()
			return nil, err
		}
		i.operators[spec.Name] = op
		i.opOrder = append(i.opOrder, spec.Name)
	}
	return i, nil
}

// Start starts a fake for a test and stops it when the test ends. It fails
// the test if the fake cannot start; AddRecipient and the other seeding
// calls then report their errors to the test too.
func Start(tb testing.TB, opts ...Option) *Infra {
	tb.Helper()
	i, err := New(opts...)
	if err != nil {
		tb.Fatalf("fakeinfra: %v", err)
	}
	i.tb = tb
	tb.Cleanup(i.Close)
	return i
}

// Close stops every server of the fake. Calls held by a Timeout or Latency
// fault are broken off first, so that Close returns promptly.
func (i *Infra) Close() {
	i.closeOnce.Do(func() {
		close(i.done)
		if i.far != nil {
			i.far.Close()
		}
		for _, op := range i.operators {
			op.srv.Close()
		}
	})
}

// report hands an error of a seeding call to the test, when there is one.
func (i *Infra) report(err error) error {
	if err != nil && i.tb != nil {
		i.tb.Helper()
		i.tb.Errorf("%v", err)
	}
	return err
}

// FaR returns the endpoints of the fake's FaR, for far.Config.
func (i *Infra) FaR() far.Endpoints {
	return far.Endpoints{Recipient: i.far.URL + "/Recipient/v3", Authority: i.far.URL + "/Authority"}
}

// OperatorURL returns an operator's ServiceAdress.
func (i *Infra) OperatorURL(name string) string {
	op, ok := i.operators[name]
	if !ok {
		return ""
	}
	return op.serviceAddress()
}

// Operators lists the operators' names in the order they were started.
func (i *Infra) Operators() []string { return append([]string(nil), i.opOrder...) }

// Operator returns how FaR describes an operator.
func (i *Infra) Operator(name string) (message.Operator, bool) {
	op, ok := i.operators[name]
	if !ok {
		return message.Operator{}, false
	}
	return op.describe(), true
}

// Sender is the fake's default sender.
func (i *Infra) Sender() message.Sender { return i.sender }

// SenderSigner signs as the default sender, with the certificate the fake's
// CA issued for it.
func (i *Infra) SenderSigner() *sign.Signer { return i.pki.sender.signer }

// Roots is a pool holding the fake's CA: the roots to trust for its servers
// and for signatures its certificates make.
func (i *Infra) Roots() *x509.CertPool { return i.pki.ca.Pool() }

// ServerCertificate is the certificate, with its key, that the fake's
// servers present: issued by its CA for the loopback addresses. A test's
// own server presents it to be trusted as the fake's are (a hostile
// operator, say).
func (i *Infra) ServerCertificate() tls.Certificate { return i.pki.server.TLS() }

// CAPEM is the fake's CA certificate in PEM.
func (i *Infra) CAPEM() []byte { return i.pki.ca.PEM() }

// HTTPClient returns a client that presents the default sender's
// certificate and trusts the fake's CA: what the SDK's clients need to talk
// to the fake.
func (i *Infra) HTTPClient() *http.Client { return i.pki.client(i.pki.sender.leaf) }
