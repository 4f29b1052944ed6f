package fakeinfra

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
)

// Config describes a fake for NewFromConfig: who the Authority register
// knows, what FaR answers for each recipient, and what goes wrong. It is
// what "mm fake serve --config" reads, as JSON; every field may be left out.
// testdata/example-config.json shows each of them.
type Config struct {
	// Seed seeds the source fractional faults draw from (default 1).
	Seed *int64 `json:"seed,omitempty"`
	// Sender replaces the default sender, 162021004748 Kommun A.
	Sender *OrgConfig `json:"sender,omitempty"`
	// Operators replace the four default operators.
	Operators []OperatorConfig `json:"operators,omitempty"`
	// Senders are registered besides the default sender (AddSender).
	Senders []OrgConfig `json:"senders,omitempty"`
	// Intermediaries are registered with the senders each may sign for
	// (AddIntermediary).
	Intermediaries []IntermediaryConfig `json:"intermediaries,omitempty"`
	// Recipients are registered in FaR (AddRecipient).
	Recipients []RecipientConfig `json:"recipients,omitempty"`
	// Faults are injected once the fake runs (Inject).
	Faults []FaultConfig `json:"faults,omitempty"`
	// OperatorStrictness is every operator's Strictness: "strict" (the
	// default) or "after-soap-decoding" (WithOperatorStrictness).
	OperatorStrictness string `json:"operatorStrictness,omitempty"`
	// RoundTrip is the network round trip every connection emulates, as Go
	// writes durations ("50ms"; default none): see WithRoundTrip.
	RoundTrip string `json:"roundTrip,omitempty"`
	// Retain bounds what the operators keep to the last Retain
	// deliveries (default 0: everything): see WithRetain.
	Retain int `json:"retain,omitempty"`
}

// OrgConfig is an organisation: a sender.
type OrgConfig struct {
	// Org is the organisation number in any form people write.
	Org  string `json:"org"`
	Name string `json:"name"`
}

// IntermediaryConfig is an intermediary (förmedlare) and the senders it
// may sign for.
type IntermediaryConfig struct {
	Org     string   `json:"org"`
	Name    string   `json:"name"`
	Senders []string `json:"senders,omitempty"`
}

// OperatorConfig is a mailbox operator (see OperatorSpec).
type OperatorConfig struct {
	Name        string `json:"name"`
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// Strictness overrides OperatorStrictness for this operator.
	Strictness string `json:"strictness,omitempty"`
}

// RecipientConfig is a recipient as FaR and the operators see it.
type RecipientConfig struct {
	// ID is a personal identity number, co-ordination number or
	// organisation number, in any form people write.
	ID string `json:"id"`
	// Mailbox names the operator of the recipient's mailbox; without it the
	// recipient has none.
	Mailbox string `json:"mailbox,omitempty"`
	// AccountType is Secure (the default with a mailbox), Anonymous or Not.
	AccountType string `json:"accountType,omitempty"`
	// Pending marks the registration as not complete.
	Pending bool `json:"pending,omitempty"`
	// Rejects lists the senders the recipient turns away.
	Rejects []string `json:"rejects,omitempty"`
	// DeclinedByOperator: FaR names the operator, which answers
	// Delivered=false.
	DeclinedByOperator bool `json:"declinedByOperator,omitempty"`
	// SMS and Email say whether a class-1 notification reaches the
	// recipient by that channel (default true).
	SMS   *bool `json:"sms,omitempty"`
	Email *bool `json:"email,omitempty"`
}

// FaultConfig is a fault to inject (see Fault and FaultOption).
type FaultConfig struct {
	// Target is far/recipient, far/authority or operator/NAME.
	Target string `json:"target"`
	// Kind is soap-fault, http-status, latency, reset or timeout.
	Kind string `json:"kind"`
	// Code is the SOAP fault's error code (kind soap-fault), 0 to 9999.
	Code *int `json:"code,omitempty"`
	// Status is the HTTP status (kind http-status), 400 to 599.
	Status *int `json:"status,omitempty"`
	// Delay is how long a call waits (kind latency), as Go writes
	// durations: "250ms", "2s".
	Delay string `json:"delay,omitempty"`
	// Times, Fraction, For and AfterStore limit when the fault strikes;
	// without them it strikes every call.
	Times      int     `json:"times,omitempty"`
	Fraction   float64 `json:"fraction,omitempty"`
	For        string  `json:"for,omitempty"`
	AfterStore bool    `json:"afterStore,omitempty"`
}

// Fault kinds as a configuration names them.
const (
	KindSOAPFault  = "soap-fault"
	KindHTTPStatus = "http-status"
	KindLatency    = "latency"
	KindReset      = "reset"
	KindTimeout    = "timeout"
)

// ParseConfig reads a configuration from JSON. Fields it does not know are
// refused; every error is a *ConfigError naming the JSON path at fault.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	if err := decodeStrict(data, &c); err != nil {
		return nil, err
	}
	if _, err := c.plan(); err != nil {
		return nil, err
	}
	return &c, nil
}

// NewFromConfig starts a fake as c describes; opts (WithListen, say) apply
// after c's own. Mistakes in c are *ConfigError values.
func NewFromConfig(c *Config, opts ...Option) (*Infra, error) {
	p, err := c.plan()
	if err != nil {
		return nil, err
	}
	i, err := New(append(p.opts, opts...)...)
	if err != nil {
		return nil, err
	}
	if err := p.apply(i); err != nil {
		i.Close()
		return nil, err
	}
	return i, nil
}

// plan is a checked Config: the options to start with, and the calls to
// make on the started fake.
type plan struct {
	opts           []Option
	senders        []message.Sender
	intermediaries []intermediaryPlan
	recipients     []recipientPlan
	faults         []faultPlan
}

type intermediaryPlan struct {
	org     message.Sender
	senders []message.OrgNumber
}

type recipientPlan struct {
	id   message.RecipientID
	opts []RecipientOption
}

type faultPlan struct {
	fault Fault
	opts  []FaultOption
}

func (p *plan) apply(i *Infra) error {
	for _, s := range p.senders {
		if _, err := i.AddSender(string(s.ID), s.Name); err != nil {
			return err
		}
	}
	for _, d := range p.intermediaries {
		if _, err := i.AddIntermediary(string(d.org.ID), d.org.Name, d.senders...); err != nil {
			return err
		}
	}
	for _, r := range p.recipients {
		if err := i.AddRecipient(string(r.id), r.opts...); err != nil {
			return err
		}
	}
	for _, f := range p.faults {
		i.Inject(f.fault, f.opts...)
	}
	return nil
}

// plan checks every field, so that a fake never starts half configured.
func (c *Config) plan() (*plan, error) {
	p := &plan{}
	if c.Seed != nil {
		p.opts = append(p.opts, WithSeed(*c.Seed))
	}
	if c.Sender != nil {
		s, err := orgOf("sender", *c.Sender)
		if err != nil {
			return nil, err
		}
		p.opts = append(p.opts, WithSender(string(s.ID), s.Name))
	}
	if c.RoundTrip != "" {
		rtt, err := time.ParseDuration(c.RoundTrip)
		if err != nil || rtt < 0 {
			return nil, configErr("roundTrip", "%q: want a duration such as 50ms, or 0s for none", c.RoundTrip)
		}
		p.opts = append(p.opts, WithRoundTrip(rtt))
	}
	if c.Retain < 0 {
		return nil, configErr("retain", "%d: want 0 (keep everything) or a positive count", c.Retain)
	}
	if c.Retain > 0 {
		p.opts = append(p.opts, WithRetain(c.Retain))
	}
	ops, err := c.operators()
	if err != nil {
		return nil, err
	}
	if c.Operators != nil {
		p.opts = append(p.opts, WithOperators(ops...))
	}
	names := make([]string, len(ops))
	for k, o := range ops {
		names[k] = o.Name
	}
	if c.OperatorStrictness != "" {
		if !Strictness(c.OperatorStrictness).valid() {
			return nil, configErr("operatorStrictness", "%q: want %q or %q", c.OperatorStrictness, Strict, AfterSOAPDecoding)
		}
		p.opts = append(p.opts, WithOperatorStrictness(Strictness(c.OperatorStrictness)))
	}
	for k, o := range c.Operators {
		if o.Strictness == "" {
			continue
		}
		if !Strictness(o.Strictness).valid() {
			return nil, configErr(fmt.Sprintf("operators[%d].strictness", k), "%q: want %q or %q", o.Strictness, Strict, AfterSOAPDecoding)
		}
		p.opts = append(p.opts, WithOperatorStrictness(Strictness(o.Strictness), o.Name))
	}
	for k, s := range c.Senders {
		snd, err := orgOf(fmt.Sprintf("senders[%d]", k), s)
		if err != nil {
			return nil, err
		}
		p.senders = append(p.senders, snd)
	}
	for k, d := range c.Intermediaries {
		path := fmt.Sprintf("intermediaries[%d]", k)
		org, err := orgOf(path, OrgConfig{Org: d.Org, Name: d.Name})
		if err != nil {
			return nil, err
		}
		senders, err := orgList(path+".senders", d.Senders)
		if err != nil {
			return nil, err
		}
		p.intermediaries = append(p.intermediaries, intermediaryPlan{org, senders})
	}
	seen := map[message.RecipientID]int{}
	for k, r := range c.Recipients {
		path := fmt.Sprintf("recipients[%d]", k)
		rp, err := r.plan(path, names)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[rp.id]; dup {
			return nil, configErr(path+".id", "the same recipient as recipients[%d]", first)
		}
		seen[rp.id] = k
		p.recipients = append(p.recipients, rp)
	}
	for k, f := range c.Faults {
		fp, err := f.plan(fmt.Sprintf("faults[%d]", k), names)
		if err != nil {
			return nil, err
		}
		p.faults = append(p.faults, fp)
	}
	return p, nil
}

func (c *Config) operators() ([]OperatorSpec, error) {
	if c.Operators == nil {
		return DefaultOperators(), nil
	}
	if len(c.Operators) == 0 {
		return nil, configErr("operators", "at least one operator, or leave the field out for the default four")
	}
	out := make([]OperatorSpec, len(c.Operators))
	for k, o := range c.Operators {
		path := fmt.Sprintf("operators[%d]", k)
		if o.Name == "" || strings.ContainsAny(o.Name, "/ ") {
			return nil, configErr(path+".name", "required, without spaces or slashes (it names the operator in faults' targets)")
		}
		if slices.ContainsFunc(out[:k], func(s OperatorSpec) bool { return s.Name == o.Name }) {
			return nil, configErr(path+".name", "operator %q given twice", o.Name)
		}
		id, err := message.ParseOrgNumber(o.ID)
		if err != nil {
			return nil, configErr(path+".id", "%v", err)
		}
		display := o.DisplayName
		if display == "" {
			display = o.Name
		}
		out[k] = OperatorSpec{Name: o.Name, ID: id, DisplayName: display}
	}
	return out, nil
}

func orgOf(path string, o OrgConfig) (message.Sender, error) {
	id, err := message.ParseOrgNumber(o.Org)
	if err != nil {
		return message.Sender{}, configErr(path+".org", "%v", err)
	}
	// The Sender element's Name is 2–256 characters (SPEC §3).
	if n := len([]rune(o.Name)); n < 2 || n > 256 {
		return message.Sender{}, configErr(path+".name", "2 to 256 characters")
	}
	return message.Sender{ID: id, Name: o.Name}, nil
}

func orgList(path string, raw []string) ([]message.OrgNumber, error) {
	out := make([]message.OrgNumber, len(raw))
	for k, s := range raw {
		id, err := message.ParseOrgNumber(s)
		if err != nil {
			return nil, configErr(fmt.Sprintf("%s[%d]", path, k), "%v", err)
		}
		out[k] = id
	}
	return out, nil
}

func (r RecipientConfig) plan(path string, operators []string) (recipientPlan, error) {
	id, err := message.ParseRecipientID(r.ID)
	if err != nil {
		return recipientPlan{}, configErr(path+".id", "%v", err)
	}
	var opts []RecipientOption
	if r.Mailbox != "" {
		if !slices.Contains(operators, r.Mailbox) {
			return recipientPlan{}, configErr(path+".mailbox", "no operator %q (have %s)", r.Mailbox, strings.Join(operators, ", "))
		}
		opts = append(opts, Mailbox(r.Mailbox))
	}
	switch t := far.AccountType(r.AccountType); t {
	case "":
	case far.Secure, far.Anonymous, far.NoAccount:
		opts = append(opts, AccountType(t))
	default:
		return recipientPlan{}, configErr(path+".accountType", "%q: want Secure, Anonymous or Not", r.AccountType)
	}
	if r.Pending {
		opts = append(opts, Pending())
	}
	rejects, err := orgList(path+".rejects", r.Rejects)
	if err != nil {
		return recipientPlan{}, err
	}
	if len(rejects) > 0 {
		opts = append(opts, Rejects(rejects...))
	}
	if r.DeclinedByOperator {
		opts = append(opts, DeclinedByOperator())
	}
	sms, email := r.SMS == nil || *r.SMS, r.Email == nil || *r.Email
	opts = append(opts, Reachable(sms, email))
	return recipientPlan{id: id, opts: opts}, nil
}

func (f FaultConfig) plan(path string, operators []string) (faultPlan, error) {
	target := Endpoint(f.Target)
	name, isOp := strings.CutPrefix(f.Target, "operator/")
	if target != EndpointRecipient && target != EndpointAuthority && !(isOp && slices.Contains(operators, name)) {
		return faultPlan{}, configErr(path+".target", "%q: want %s, %s or operator/NAME with NAME one of %s", f.Target, EndpointRecipient, EndpointAuthority, strings.Join(operators, ", "))
	}
	if !slices.Contains([]string{KindSOAPFault, KindHTTPStatus, KindLatency, KindReset, KindTimeout}, f.Kind) {
		return faultPlan{}, configErr(path+".kind", "%q: want %s, %s, %s, %s or %s", f.Kind, KindSOAPFault, KindHTTPStatus, KindLatency, KindReset, KindTimeout)
	}
	only := func(field string, set bool, kind string) error {
		if set && f.Kind != kind {
			return configErr(path+"."+field, "only for kind %s", kind)
		}
		if !set && f.Kind == kind {
			return configErr(path+"."+field, "required for kind %s", kind)
		}
		return nil
	}
	for _, e := range []error{only("code", f.Code != nil, KindSOAPFault), only("status", f.Status != nil, KindHTTPStatus), only("delay", f.Delay != "", KindLatency)} {
		if e != nil {
			return faultPlan{}, e
		}
	}
	var fp faultPlan
	switch f.Kind {
	case KindSOAPFault:
		if *f.Code < 0 || *f.Code > 9999 {
			return faultPlan{}, configErr(path+".code", "%d: want 0 to 4999 (technical) or 5000 to 9999 (application)", *f.Code)
		}
		fp.fault = SOAPFault(target, *f.Code)
	case KindHTTPStatus:
		if *f.Status < 400 || *f.Status > 599 {
			return faultPlan{}, configErr(path+".status", "%d: want 400 to 599", *f.Status)
		}
		fp.fault = HTTPStatus(target, *f.Status)
	case KindLatency:
		d, err := duration(path+".delay", f.Delay)
		if err != nil {
			return faultPlan{}, err
		}
		fp.fault = Latency(target, d)
	case KindReset:
		fp.fault = ConnectionReset(target)
	case KindTimeout:
		fp.fault = Timeout(target)
	}
	if f.Times < 0 {
		return faultPlan{}, configErr(path+".times", "%d: want a positive count, or leave it out for every call", f.Times)
	}
	if f.Times > 0 {
		fp.opts = append(fp.opts, Times(f.Times))
	}
	if f.Fraction < 0 || f.Fraction > 1 {
		return faultPlan{}, configErr(path+".fraction", "%g: want more than 0, at most 1", f.Fraction)
	}
	if f.Fraction > 0 {
		fp.opts = append(fp.opts, Fraction(f.Fraction))
	}
	if f.For != "" {
		d, err := duration(path+".for", f.For)
		if err != nil {
			return faultPlan{}, err
		}
		fp.opts = append(fp.opts, For(d))
	}
	if f.AfterStore {
		fp.opts = append(fp.opts, AfterStore())
	}
	return fp, nil
}

func duration(path, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, configErr(path, "%q: want a positive duration such as 250ms or 2s", s)
	}
	return d, nil
}
