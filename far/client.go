package far

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/message"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// MaxPerCall is the most recipients FaR answers for in one call (§3.1).
const MaxPerCall = 1000

// Endpoints are the addresses of FaR's services.
type Endpoints struct {
	// Recipient is the Recipient v3 service (isReachable, isRegistered).
	Recipient string
	// Authority is the Authority service (getSenders, getDispatchers,
	// isSenderAccepted).
	Authority string
}

// Production returns the production environment's endpoints (§3, table
// 3.1). Confirm them in the connection agreement; any other URLs may be
// configured instead.
func Production() Endpoints {
	return Endpoints{
		Recipient: "https://www5.skatteverket.se/webservice/ec/Recipient/v3",
		Authority: "https://www5.skatteverket.se/webservice/ec/Authority",
	}
}

// Test returns the test environment's endpoints (§3, table 3.1).
func Test() Endpoints {
	return Endpoints{
		Recipient: "https://notarealhost.skatteverket.se/webservice/acc1accao/Recipient/v3",
		Authority: "https://notarealhost.skatteverket.se/webservice/acc1accao/Authority",
	}
}

// Config configures a Client.
type Config struct {
	Endpoints Endpoints
	// HTTPClient sends the calls; it must present the sender's (or
	// intermediary's) organisation certificate (mm.NewHTTPClient makes
	// one from a certificate and the roots to trust). Required.
	HTTPClient *http.Client
	// Parallel is how many calls run at once when a lookup spans more than
	// one batch (default 4).
	Parallel int
	// BatchSize is how many recipients go in one call (default and
	// maximum MaxPerCall).
	BatchSize int
	// MaxRetries, RetryWaitMin and RetryWaitMax tune retries of technical
	// failures: how many after the first attempt (default 3; negative for
	// none), and the bounds of the backoff between attempts (default 1 s
	// and 30 s). A 503's Retry-After longer than RetryWaitMax is not
	// waited for: the call fails.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// CacheTTL, when positive, keeps isReachable answers for that long,
	// per sender and recipient; failures are never kept. Off by default:
	// a recipient may turn a sender away, or get a mailbox, at any
	// moment, and a cached answer sends the message the old way until it
	// expires. Worth it only for repeated lookups of the same recipients
	// within minutes.
	CacheTTL time.Duration
	// Logger receives the transport's retries and attempts; nil is
	// silent. Failures are returned, not logged, and identities are never
	// logged whole.
	Logger *slog.Logger
	// Now is the clock the cache and the durations read (default
	// time.Now).
	Now func() time.Time
	// MeterProvider and TracerProvider, when set, receive the client's
	// metrics and spans: a span per lookup, each call's duration, retries
	// and faults (package mm's documentation lists them). Nil records
	// nothing; the global providers are never used.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider
}

// Client asks FaR. It is safe for concurrent use.
type Client struct {
	eps      Endpoints
	soap     *soap.Client
	parallel int
	batch    int
	ttl      time.Duration
	now      func() time.Time
	tel      *telemetry.T

	mu      sync.Mutex
	cache   map[cacheKey]cached
	sweepAt int // cache size at which expired answers are dropped
}

type cacheKey struct {
	sender message.OrgNumber
	id     message.RecipientID
}

type cached struct {
	r       Reachability
	expires time.Time
}

// ErrConfig is wrapped by errors about a Config that cannot work.
var ErrConfig = errors.New("invalid far configuration")

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.HTTPClient == nil {
		return nil, fmt.Errorf("%w: HTTPClient is required (one that presents the organisation certificate)", ErrConfig)
	}
	if !UsableAddress(cfg.Endpoints.Recipient) {
		return nil, fmt.Errorf("%w: Endpoints.Recipient %q is not an https URL", ErrConfig, cfg.Endpoints.Recipient)
	}
	if cfg.Endpoints.Authority != "" && !UsableAddress(cfg.Endpoints.Authority) {
		return nil, fmt.Errorf("%w: Endpoints.Authority %q is not an https URL", ErrConfig, cfg.Endpoints.Authority)
	}
	if cfg.BatchSize > MaxPerCall || cfg.BatchSize < 0 {
		return nil, fmt.Errorf("%w: BatchSize %d is outside 1 to %d", ErrConfig, cfg.BatchSize, MaxPerCall)
	}
	if cfg.Parallel < 0 {
		return nil, fmt.Errorf("%w: Parallel %d is negative", ErrConfig, cfg.Parallel)
	}
	if cfg.CacheTTL < 0 {
		return nil, fmt.Errorf("%w: CacheTTL %s is negative", ErrConfig, cfg.CacheTTL)
	}
	tel, err := telemetry.New(cfg.MeterProvider, cfg.TracerProvider, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	sc, err := soap.New(soap.Config{
		HTTPClient: cfg.HTTPClient, MaxRetries: cfg.MaxRetries,
		RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax, Logger: cfg.Logger,
		OnRetry: tel.OnRetry(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c := &Client{
		eps: cfg.Endpoints, soap: sc, parallel: cfg.Parallel, batch: cfg.BatchSize,
		ttl: cfg.CacheTTL, now: cfg.Now, tel: tel,
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.parallel == 0 {
		c.parallel = 4
	}
	if c.batch == 0 {
		c.batch = MaxPerCall
	}
	if c.ttl > 0 {
		c.cache = map[cacheKey]cached{}
		c.sweepAt = minSweep
	}
	return c, nil
}

// IsReachable asks whether each recipient can receive digital post from
// sender. Identities are asked once however often they appear, in calls of
// at most BatchSize run Parallel at a time; the answers come back in the
// order asked, one per id given. Every id must be a valid wire-form
// RecipientID (see message.ParseRecipientID). Answers may share one
// *Operator: treat it as read-only.
func (c *Client) IsReachable(ctx context.Context, sender message.OrgNumber, ids ...message.RecipientID) ([]Reachability, error) {
	if !sender.Valid() {
		// Masked: a personal identity number given by mistake must not
		// reach the error whole.
		return nil, fmt.Errorf("far: sender %q is not an organisation number", message.RecipientID(sender).Masked())
	}
	ctx, span := c.tel.Start(ctx, telemetry.SpanLookup, trace.SpanKindClient)
	defer span.End()
	if span.On() {
		span.Set(telemetry.KeyRecipients.Int(len(ids)))
	}
	unique, pos, err := uniqueIDs(ids)
	if err != nil {
		span.Fail("invalid recipient")
		return nil, err
	}
	res := make([]Reachability, len(unique))
	ask, dst := unique, res
	var from []int // where each asked id's answer goes in res, with a cache
	if c.cache != nil {
		ask, from = c.cached(sender, unique, res)
		dst = make([]Reachability, len(ask))
	}
	err = c.inBatches(ctx, len(ask), func(ctx context.Context, lo, hi int) error {
		return c.isReachable(ctx, span, sender, ask[lo:hi], dst[lo:hi])
	})
	if err != nil {
		span.Fail("lookup failed")
		return nil, err
	}
	if c.cache != nil {
		c.remember(sender, ask, dst)
		for k, i := range from {
			res[i] = dst[k]
		}
	}
	return spread(res, pos), nil
}

// isReachable makes one call and decodes its answer into out.
func (c *Client) isReachable(ctx context.Context, span telemetry.Span, sender message.OrgNumber, batch []message.RecipientID, out []Reachability) error {
	body, err := c.call(ctx, span, telemetry.MethodIsReachable, c.eps.Recipient, appendIsReachable(make([]byte, 0, 128+28*len(batch)), sender, batch))
	if err == nil {
		err = readAnswer(body, func(w *walker, start xml.StartElement) error {
			return decodeIsReachable(w, start, batch, out)
		})
	}
	if err != nil {
		return failed("isReachable", err)
	}
	return nil
}

// cached fills res with the answers still fresh in the cache and returns
// the ids to ask FaR about, with the position in res of each.
func (c *Client) cached(sender message.OrgNumber, unique []message.RecipientID, res []Reachability) ([]message.RecipientID, []int) {
	var ask []message.RecipientID
	var from []int
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range unique {
		if e, ok := c.cache[cacheKey{sender, id}]; ok && now.Before(e.expires) {
			res[i] = e.r
		} else {
			ask = append(ask, id)
			from = append(from, i)
		}
	}
	return ask, from
}

// remember keeps fresh answers in the cache, and drops expired ones so
// that it does not grow without bound.
func (c *Client) remember(sender message.OrgNumber, ids []message.RecipientID, got []Reachability) {
	now := c.now()
	expires := now.Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cache) >= c.sweepAt {
		for k, e := range c.cache {
			if !now.Before(e.expires) {
				delete(c.cache, k)
			}
		}
		c.sweepAt = max(2*len(c.cache), minSweep)
	}
	for k, id := range ids {
		c.cache[cacheKey{sender, id}] = cached{got[k], expires}
	}
}

// minSweep is the cache size below which expired answers are left alone.
const minSweep = 1024

// IsRegistered asks whether each recipient has an account, whatever the
// sender; answers in the order asked, as IsReachable. It is never cached.
func (c *Client) IsRegistered(ctx context.Context, ids ...message.RecipientID) ([]Account, error) {
	ctx, span := c.tel.Start(ctx, telemetry.SpanAccounts, trace.SpanKindClient)
	defer span.End()
	if span.On() {
		span.Set(telemetry.KeyRecipients.Int(len(ids)))
	}
	unique, pos, err := uniqueIDs(ids)
	if err != nil {
		span.Fail("invalid recipient")
		return nil, err
	}
	res := make([]Account, len(unique))
	err = c.inBatches(ctx, len(unique), func(ctx context.Context, lo, hi int) error {
		batch := unique[lo:hi]
		body, err := c.call(ctx, span, telemetry.MethodIsRegistered, c.eps.Recipient, appendIsRegistered(make([]byte, 0, 128+28*len(batch)), batch))
		if err == nil {
			err = readAnswer(body, func(w *walker, start xml.StartElement) error {
				return decodeIsRegistered(w, start, batch, res[lo:hi])
			})
		}
		if err != nil {
			return failed("isRegistered", err)
		}
		return nil
	})
	if err != nil {
		span.Fail("lookup failed")
		return nil, err
	}
	return spread(res, pos), nil
}

// Senders lists the senders connected to FaR (Authority getSenders).
func (c *Client) Senders(ctx context.Context) (out []RegisteredSender, err error) {
	err = c.authority(ctx, "getSenders", appendAuthorityRequest(nil, "getSenders"), func(w *walker, start xml.StartElement) error {
		out, err = decodeSenders(w, start)
		return err
	})
	return out, err
}

// Dispatchers lists the intermediaries connected to FaR and the senders each
// may sign for (Authority getDispatchers).
func (c *Client) Dispatchers(ctx context.Context) (out []Dispatcher, err error) {
	err = c.authority(ctx, "getDispatchers", appendAuthorityRequest(nil, "getDispatchers"), func(w *walker, start xml.StartElement) error {
		out, err = decodeDispatchers(w, start)
		return err
	})
	return out, err
}

// IsSenderAccepted asks the Authority register whether sender is accepted
// as a sender (Authority isSenderAccepted): a sender that is not has its
// deliveries refused by the operators, whatever FaR says of the
// recipients.
func (c *Client) IsSenderAccepted(ctx context.Context, sender message.OrgNumber) (accepted bool, err error) {
	if !sender.Valid() {
		return false, fmt.Errorf("far: isSenderAccepted: sender %q is not an organisation number", message.RecipientID(sender).Masked())
	}
	err = c.authority(ctx, "isSenderAccepted", appendIsSenderAccepted(nil, sender), func(w *walker, start xml.StartElement) error {
		accepted, err = decodeSenderAccepted(w, start)
		return err
	})
	return accepted, err
}

// authority posts the request of Authority operation op and decodes its
// answer.
func (c *Client) authority(ctx context.Context, op string, req []byte, decode func(*walker, xml.StartElement) error) error {
	if c.eps.Authority == "" {
		return fmt.Errorf("far: %s: %w: no Authority endpoint configured", op, ErrConfig)
	}
	ctx, span := c.tel.Start(ctx, telemetry.SpanAuthority, trace.SpanKindClient)
	defer span.End()
	body, err := c.call(ctx, span, telemetry.MethodAuthorityPrefix+op, c.eps.Authority, req)
	if err == nil {
		err = readAnswer(body, decode)
	}
	if err != nil {
		span.Fail(op + " failed")
		return failed(op, err)
	}
	return nil
}

// call posts a request element of method (telemetry's rpc.method) within
// span and returns the answer's envelope.
func (c *Client) call(ctx context.Context, span telemetry.Span, method, url string, body []byte) ([]byte, error) {
	ctx, tc := c.tel.BeginCall(ctx, span, method, url, "")
	resp, err := c.soap.Call(ctx, url, soap.AppendEnvelope(make([]byte, 0, soap.EnvelopeLen(len(body))), body))
	tc.End(ctx, err)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// failed wraps the error of operation op. An answer the SOAP layer found
// malformed is a malformed answer from FaR too, so that callers can test
// for ErrMalformedAnswer whichever layer noticed.
func failed(op string, err error) error {
	if errors.Is(err, soap.ErrMalformed) && !errors.Is(err, ErrMalformedAnswer) {
		return fmt.Errorf("far: %s: %w: %w", op, ErrMalformedAnswer, err)
	}
	return fmt.Errorf("far: %s: %w", op, err)
}

// inBatches runs fn over [0, n) in ranges of at most c.batch, at most
// c.parallel at a time. The first error cancels the rest.
func (c *Client) inBatches(ctx context.Context, n int, fn func(ctx context.Context, lo, hi int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, c.parallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for lo := 0; lo < n; lo += c.batch {
		hi := min(lo+c.batch, n)
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		// Checked whichever case select chose: a batch not started must
		// fail the lookup, or its recipients would come back unanswered.
		if err := ctx.Err(); err != nil {
			once.Do(func() { first = err })
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, lo, hi); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// uniqueIDs checks every id and returns them without repeats, in
// first-seen order, with the position in that list of each id given; pos
// is nil when there are no repeats.
func uniqueIDs(ids []message.RecipientID) (unique []message.RecipientID, pos []int, err error) {
	seen := make(map[message.RecipientID]int, len(ids))
	for i, id := range ids {
		if !id.Valid() {
			return nil, nil, fmt.Errorf("far: recipient %d (%s) is not a valid identity in wire form: %w", i+1, id.Masked(), message.ErrInvalidID)
		}
		k, dup := seen[id]
		if !dup {
			k = len(seen)
			seen[id] = k
		}
		if dup && pos == nil {
			pos = make([]int, i, len(ids))
			for j := range i {
				pos[j] = j // everything before the first repeat was new
			}
		}
		if pos != nil {
			pos = append(pos, k)
		}
	}
	if pos == nil {
		return ids, nil, nil
	}
	unique = make([]message.RecipientID, len(seen))
	for id, k := range seen {
		unique[k] = id
	}
	return unique, pos, nil
}

// spread gives each position of the input its answer: res holds one
// answer per unique id, pos the unique id of each position (nil when there
// were no repeats).
func spread[T any](res []T, pos []int) []T {
	if pos == nil {
		return res
	}
	out := make([]T, len(pos))
	for i, k := range pos {
		out[i] = res[k]
	}
	return out
}
