package forward

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/avsandare/mm/sign"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Config configures a Client.
type Config struct {
	// Signer seals deliveries: the intermediary's organisation
	// certificate (an agency that is its own intermediary uses its own).
	// Required.
	Signer *sign.Signer
	// HTTPClient sends the requests; it must present the intermediary's
	// certificate and verify operators' server certificates against the
	// roots to trust (mm.NewHTTPClient makes one). Required.
	HTTPClient *http.Client
	// Roots verify senders' signatures in DeliverSecure. Required for
	// DeliverSecure.
	Roots *x509.CertPool
	// MayActFor reports whether the organisation signer may sign or seal
	// for sender. A nil MayActFor allows an organisation to act only for
	// itself; give the Authority register's dispatchers here (see
	// DispatcherPolicy) when the intermediary acts for others.
	MayActFor func(signer, sender message.OrgNumber) bool
	// AllowedHosts, when not empty, are the only operator hosts (exact,
	// case-insensitive) deliveries may go to.
	AllowedHosts []string
	// AllowedOperators, when not empty, are the only operator
	// organisation numbers deliveries may go to.
	AllowedOperators []message.OrgNumber
	// AllowLocalNetworks are the non-public networks an operator may
	// nevertheless be reached in. By default an operator address that is
	// loopback, link-local (169.254.0.0/16, fe80::/10: cloud metadata
	// services), private (RFC 1918, fc00::/7), shared (100.64.0.0/10) or
	// unspecified is refused, whether written in the URL or what its host
	// name resolves to when connected (address.go says why and how). List
	// a test operator's network here, such as 127.0.0.1/32 for fakeinfra
	// (fakeinfra.Infra.LocalNetworks).
	AllowLocalNetworks []netip.Prefix
	// AllowSHA1 accepts senders' rsa-sha1 signatures in DeliverSecure.
	AllowSHA1 bool
	// MaxRetries, RetryWaitMin and RetryWaitMax tune retries of technical
	// failures: how many after the first attempt (default 3; negative for
	// none), and the bounds of the backoff between them (default 1 s and
	// 30 s).
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Logger receives retries and outcomes, never content or whole
	// personal numbers; nil is silent.
	Logger *slog.Logger
	// Now is the clock for the seal's date and receipts (default
	// time.Now).
	Now func() time.Time
	// MeterProvider and TracerProvider, when set, receive the client's
	// metrics and spans: a span per delivery or notification (the
	// signature and the seal as its children), each call's duration,
	// deliveries in flight, retries and faults (package mm's documentation
	// lists them). Nil records nothing; the global providers are never
	// used.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider
}

// ErrConfig is wrapped by errors about a Config that cannot work.
var ErrConfig = errors.New("invalid forward configuration")

func (c *Config) check() error {
	if c.Signer == nil {
		return fmt.Errorf("%w: Signer is required: the intermediary's signer seals every delivery", ErrConfig)
	}
	if c.HTTPClient == nil {
		return fmt.Errorf("%w: HTTPClient is required (one presenting the intermediary's certificate)", ErrConfig)
	}
	for _, h := range c.AllowedHosts {
		if h == "" || strings.ContainsAny(h, "/:@") {
			return fmt.Errorf("%w: AllowedHosts entry %q is not a bare host name", ErrConfig, h)
		}
	}
	for _, n := range c.AllowLocalNetworks {
		if !n.IsValid() {
			return fmt.Errorf("%w: AllowLocalNetworks entry %q is not a network prefix", ErrConfig, n)
		}
	}
	for _, o := range c.AllowedOperators {
		if !o.Valid() {
			return fmt.Errorf("%w: AllowedOperators entry %q is not an organisation number", ErrConfig, string(o))
		}
	}
	return nil
}

// ErrOperatorAddress is wrapped when an operator's address may not be used:
// not https, outside the allow-lists, not a URL, or a non-public address
// outside AllowLocalNetworks (in the URL, or connected to).
var ErrOperatorAddress = errors.New("operator address refused")

// checkOperator applies the address policy before anything is sent.
func (c *Client) checkOperator(op message.Operator) error {
	u, err := url.Parse(strings.TrimSpace(op.ServiceAddress))
	if err != nil || u.Host == "" {
		return fmt.Errorf("%w: %q is not an absolute URL", ErrOperatorAddress, safetext.Clean(op.ServiceAddress)) // as FaR gave it
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%w: %s uses %s; only https is used", ErrOperatorAddress, u.Host, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("%w: the address of %s carries user information", ErrOperatorAddress, u.Hostname())
	}
	if len(c.cfg.AllowedHosts) > 0 && !slices.ContainsFunc(c.cfg.AllowedHosts, func(h string) bool { return strings.EqualFold(h, u.Hostname()) }) {
		return fmt.Errorf("%w: host %s is not among the allowed operator hosts", ErrOperatorAddress, u.Hostname())
	}
	if len(c.cfg.AllowedOperators) > 0 && !slices.Contains(c.cfg.AllowedOperators, op.ID) {
		return fmt.Errorf("%w: operator %s is not among the allowed operators", ErrOperatorAddress, op.ID)
	}
	return c.addrs.checkLiteral(u.Hostname())
}

// ErrNotAuthorised is wrapped when a signer, the sealer, or the caller of
// notify may not act for the delivery's sender: refused locally, before
// anything is sent.
var ErrNotAuthorised = errors.New("not authorised for this sender")

func (c *Client) mayActFor(signer, sender message.OrgNumber) bool {
	if signer == sender && signer != "" {
		return true
	}
	return c.cfg.MayActFor != nil && c.cfg.MayActFor(signer, sender)
}

// DispatcherPolicy returns a MayActFor from the Authority register's
// dispatchers: each intermediary may act for the senders listed for it.
// The map is copied.
func DispatcherPolicy(senders map[message.OrgNumber][]message.OrgNumber) func(signer, sender message.OrgNumber) bool {
	allowed := make(map[[2]message.OrgNumber]bool)
	for d, ss := range senders {
		for _, s := range ss {
			allowed[[2]message.OrgNumber{d, s}] = true
		}
	}
	return func(signer, sender message.OrgNumber) bool { return allowed[[2]message.OrgNumber{signer, sender}] }
}
