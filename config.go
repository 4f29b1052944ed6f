package mm

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
	"github.com/avsandare/mm/sign"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Config is everything a Sender needs. Start from the environment's
// endpoints (far.Production(), far.Test(), or a fake's) and the organisation
// certificate; the rest has defaults.
type Config struct {
	// Sender is the authority that owns the messages: its organisation
	// number and the name recipients see. Required.
	Sender message.Sender
	// Signer signs deliveries as the sender. Its certificate's
	// organisation number must be the sender's (or, with Intermediary
	// unset, belong to an intermediary allowed to sign for it). Required.
	Signer *sign.Signer
	// Intermediary seals deliveries and presents its certificate over
	// TLS. Nil means the sender is its own intermediary: Signer seals too.
	Intermediary *sign.Signer
	// FaR are the address register's endpoints (far.Production(), far.Test()
	// or any URLs). Required.
	FaR far.Endpoints
	// Roots are the CAs trusted for servers' certificates (FaR, operators)
	// and for signatures. Nil means the system's roots; the
	// infrastructure's roots are usually not among them.
	Roots *x509.CertPool
	// HTTPClient, when set, is used instead of the mutual-TLS client the
	// Sender builds from the intermediary's certificate and Roots.
	HTTPClient *http.Client
	// ConnectTimeout and ReadTimeout bound the client the Sender builds:
	// the TCP connect and TLS handshake, and each read of an answer
	// (DefaultConnectTimeout, DefaultReadTimeout).
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration

	// Paper receives messages that cannot go digitally. Nil means no paper
	// fallback: such messages are reported not sent (ErrNotSent).
	Paper PaperMail
	// PaperPolicy sets, per protection class, what happens without a
	// digital mailbox; classes not in the map use PaperFallback.
	PaperPolicy map[securityclass.Class]PaperPolicy

	// AllowedOperatorHosts and AllowedOperators, when not empty, narrow
	// the operators deliveries may go to (see forward.Config).
	AllowedOperatorHosts []string
	AllowedOperators     []message.OrgNumber
	// AllowLocalOperatorNetworks are the non-public networks (loopback,
	// link-local, private) an operator may nevertheless be reached in;
	// operators there are refused otherwise (see
	// forward.Config.AllowLocalNetworks). A fake's SenderConfig allows its
	// own loopback addresses.
	AllowLocalOperatorNetworks []netip.Prefix

	// Logger receives one line per message and retries; nil is silent.
	// Personal identity numbers are masked and bodies never logged.
	Logger *slog.Logger
	// OnEvent, when set, is called for each step of each message, for
	// metrics. It must be quick and safe for concurrent use.
	OnEvent func(Event)
	// OnProof, when set, receives the proof bundle of every digital
	// attempt that got an answer (delivered or declined): the exact bytes
	// sent and the answer, for the agency's records. An error fails the
	// Send after the fact; the receipt says what happened.
	OnProof func(*receipt.Proof) error

	// FaRCacheTTL, when positive, caches FaR answers (see far.Config).
	FaRCacheTTL time.Duration
	// MaxRetries, RetryWaitMin and RetryWaitMax tune retries of technical
	// failures towards FaR and the operators: how many after the first
	// attempt (negative for none) and the bounds of the backoff between
	// them (DefaultMaxRetries, DefaultRetryWaitMin, DefaultRetryWaitMax).
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	// MeterProvider and TracerProvider, when set, receive OpenTelemetry
	// metrics and spans of every Send, its steps, FaR and the operators
	// (and of package mailing's runs through this Sender): the section
	// Telemetry of the package documentation lists them. Nil records
	// nothing at no cost; the global providers are never used, so that a
	// program decides what the SDK reports. No identity number, subject
	// or body text is ever recorded.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider
}

// The defaults of Config: what a zero field means. Sender.Config shows
// them filled in.
const (
	DefaultConnectTimeout = 5 * time.Second   // TCP connect and TLS handshake
	DefaultReadTimeout    = 120 * time.Second // each read of an answer, as observed in production
	DefaultMaxRetries     = 3                 // retries of a technical failure after the first attempt
	DefaultRetryWaitMin   = time.Second       // the shortest wait before a retry
	DefaultRetryWaitMax   = 30 * time.Second  // the longest
)

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.ConnectTimeout, DefaultConnectTimeout)
	set(&c.ReadTimeout, DefaultReadTimeout)
	set(&c.RetryWaitMin, DefaultRetryWaitMin)
	set(&c.RetryWaitMax, DefaultRetryWaitMax)
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// PaperPolicy is what a class does without a digital mailbox.
type PaperPolicy int

// Paper policies.
const (
	// PaperFallback sends by paper when the message cannot go digitally.
	PaperFallback PaperPolicy = iota
	// NoPaperFallback reports such a message not sent instead.
	NoPaperFallback
	// PaperOnly sends every message of the class by paper, without asking
	// FaR.
	PaperOnly
)

// ErrConfig is wrapped by errors about a Config that cannot work.
var ErrConfig = errors.New("invalid sender configuration")

func (c *Config) check() error {
	if err := checkSender(c.Sender); err != nil {
		return err
	}
	if c.Signer == nil {
		return fmt.Errorf("%w: Signer is required: deliveries are signed with the sender's organisation certificate", ErrConfig)
	}
	if c.Intermediary == nil && c.Signer.OrgNumber() != c.Sender.ID {
		return fmt.Errorf("%w: the Signer's certificate is for %s, not the sender %s; set Intermediary if another organisation signs and seals", ErrConfig, c.Signer.OrgNumber(), c.Sender.ID)
	}
	if c.FaR.Recipient == "" {
		return fmt.Errorf("%w: FaR endpoints are required (far.Production(), far.Test() or URLs)", ErrConfig)
	}
	for class, p := range c.PaperPolicy {
		if !class.Valid() || p < PaperFallback || p > PaperOnly {
			return fmt.Errorf("%w: PaperPolicy %s: %d", ErrConfig, class, p)
		}
	}
	return nil
}

func checkSender(s message.Sender) error {
	if !s.ID.Valid() {
		return fmt.Errorf("%w: Sender.ID %q is not an organisation number", ErrConfig, string(s.ID))
	}
	if n := len([]rune(s.Name)); n < message.MinSenderName || n > message.MaxSenderName {
		return fmt.Errorf("%w: Sender.Name must be %d to %d characters", ErrConfig, message.MinSenderName, message.MaxSenderName)
	}
	return nil
}

// PaperPolicyFor returns what messages of class do without a digital
// mailbox: PaperPolicy's entry for the class, PaperFallback when it has
// none.
func (c *Config) PaperPolicyFor(class securityclass.Class) PaperPolicy {
	return c.PaperPolicy[class.OrDefault()]
}

// sealer is who seals and presents the TLS certificate.
func (c *Config) sealer() *sign.Signer {
	if c.Intermediary != nil {
		return c.Intermediary
	}
	return c.Signer
}
