package far

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
)

// MaxPerCall is the most recipients FaR answers for in one call (§3.1).
const MaxPerCall = 1000

// Endpoints are the addresses of FaR's services.
type Endpoints struct {
	// Recipient is the Recipient v3 service (isReachable, isRegistered).
	Recipient string
	// Authority is the Authority service (getSenders, getDispatchers).
	Authority string
}

// Named endpoint presets (§3, table 3.1). Confirm them in the connection
// agreement; any other URLs may be configured instead.
var (
	Production = Endpoints{
		Recipient: "https://www5.skatteverket.se/webservice/ec/Recipient/v3",
		Authority: "https://www5.skatteverket.se/webservice/ec/Authority",
	}
	Test = Endpoints{
		Recipient: "https://notarealhost.skatteverket.se/webservice/acc1accao/Recipient/v3",
		Authority: "https://notarealhost.skatteverket.se/webservice/acc1accao/Authority",
	}
)

// Config configures a Client.
type Config struct {
	Endpoints Endpoints
	// HTTPClient sends the calls; it must present the sender's (or
	// intermediary's) organisation certificate (soap.NewHTTPClient makes
	// one from a certificate and the roots to trust). Required.
	HTTPClient *http.Client
	// Parallel is how many calls run at once when a lookup spans more than
	// MaxPerCall recipients (default 4).
	Parallel int
	// BatchSize is how many recipients go in one call (default and
	// maximum MaxPerCall).
	BatchSize int
	// MaxRetries, RetryWaitMin and RetryWaitMax tune retries of technical
	// failures (see soap.Config); zero values take its defaults.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// CacheTTL, when positive, keeps isReachable answers for that long.
	// Off by default: a recipient may turn a sender away, or get a
	// mailbox, at any moment, and a cached answer sends the message the
	// old way until it expires. Worth it only for repeated lookups of the
	// same recipients within minutes.
	CacheTTL time.Duration
	// Logger receives retries and failures; nil is silent. Identities are
	// logged masked.
	Logger *slog.Logger
}

// Option changes a Client made by New.
type Option func(*Client)

// WithClock sets the clock the cache reads (tests).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// Client asks FaR. It is safe for concurrent use.
type Client struct {
	eps      Endpoints
	soap     *soap.Client
	parallel int
	batch    int
	ttl      time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu    sync.Mutex
	cache map[cacheKey]cached
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
func New(cfg Config, opts ...Option) (*Client, error) {
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
	sc, err := soap.New(soap.Config{
		HTTPClient: cfg.HTTPClient, MaxRetries: cfg.MaxRetries,
		RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax, Logger: cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	c := &Client{
		eps: cfg.Endpoints, soap: sc, parallel: cfg.Parallel, batch: cfg.BatchSize,
		ttl: cfg.CacheTTL, now: time.Now, log: cfg.Logger,
	}
	if c.parallel <= 0 {
		c.parallel = 4
	}
	if c.batch == 0 {
		c.batch = MaxPerCall
	}
	for _, o := range opts {
		o(c)
	}
	if c.ttl > 0 {
		c.cache = map[cacheKey]cached{}
	}
	return c, nil
}

// IsReachable asks whether each recipient can receive digital post from
// sender. Identities are asked once however often they appear, in calls of
// at most BatchSize run Parallel at a time; the answers come back in the
// order asked, one per id given. Every id must be a valid wire-form
// RecipientID (see message.ParseRecipientID).
func (c *Client) IsReachable(ctx context.Context, sender message.OrgNumber, ids ...message.RecipientID) ([]Reachability, error) {
	if !sender.Valid() {
		return nil, fmt.Errorf("far: sender %q is not an organisation number", string(sender))
	}
	unique, err := uniqueIDs(ids)
	if err != nil {
		return nil, err
	}
	answers := make(map[message.RecipientID]Reachability, len(unique))
	var ask []message.RecipientID
	if c.cache != nil {
		now := c.now()
		c.mu.Lock()
		for _, id := range unique {
			if e, ok := c.cache[cacheKey{sender, id}]; ok && now.Before(e.expires) {
				answers[id] = e.r
			} else {
				ask = append(ask, id)
			}
		}
		c.mu.Unlock()
	} else {
		ask = unique
	}
	var mu sync.Mutex
	err = c.inBatches(ctx, ask, func(ctx context.Context, batch []message.RecipientID) error {
		got, err := c.isReachable(ctx, sender, batch)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range got {
			answers[r.Recipient] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.cache != nil {
		expires := c.now().Add(c.ttl)
		c.mu.Lock()
		for _, id := range ask {
			c.cache[cacheKey{sender, id}] = cached{answers[id], expires}
		}
		c.mu.Unlock()
	}
	out := make([]Reachability, len(ids))
	for i, id := range ids {
		out[i] = answers[id]
	}
	return out, nil
}

// isReachable makes one call and checks that FaR answered for exactly the
// recipients asked.
func (c *Client) isReachable(ctx context.Context, sender message.OrgNumber, batch []message.RecipientID) ([]Reachability, error) {
	body := appendIsReachable(make([]byte, 0, 128+28*len(batch)), sender, batch)
	resp, err := c.call(ctx, c.eps.Recipient, body)
	if err != nil {
		return nil, fmt.Errorf("far: isReachable: %w", err)
	}
	p, err := soap.ReadResponse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("far: isReachable: %w", err)
	}
	got, err := decodeIsReachable(p.Decoder, p.Start)
	if err == nil {
		err = p.End()
	}
	if err != nil {
		return nil, fmt.Errorf("far: isReachable: %w", err)
	}
	accounts := make([]Account, len(got))
	for i := range got {
		accounts[i] = got[i].Account
	}
	if err := answeredExactly(batch, accounts); err != nil {
		return nil, fmt.Errorf("far: isReachable: %w", err)
	}
	return got, nil
}

// IsRegistered asks whether each recipient has an account, whatever the
// sender; answers in the order asked.
func (c *Client) IsRegistered(ctx context.Context, ids ...message.RecipientID) ([]Account, error) {
	unique, err := uniqueIDs(ids)
	if err != nil {
		return nil, err
	}
	answers := make(map[message.RecipientID]Account, len(unique))
	var mu sync.Mutex
	err = c.inBatches(ctx, unique, func(ctx context.Context, batch []message.RecipientID) error {
		resp, err := c.call(ctx, c.eps.Recipient, appendIsRegistered(nil, batch))
		if err != nil {
			return fmt.Errorf("far: isRegistered: %w", err)
		}
		p, err := soap.ReadResponse(resp.Body)
		if err != nil {
			return fmt.Errorf("far: isRegistered: %w", err)
		}
		got, err := decodeIsRegistered(p.Decoder, p.Start)
		if err == nil {
			err = p.End()
		}
		if err == nil {
			err = answeredExactly(batch, got)
		}
		if err != nil {
			return fmt.Errorf("far: isRegistered: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, a := range got {
			answers[a.Recipient] = a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(ids))
	for i, id := range ids {
		out[i] = answers[id]
	}
	return out, nil
}

// Senders lists the senders connected to FaR (Authority getSenders).
func (c *Client) Senders(ctx context.Context) ([]RegisteredSender, error) {
	p, err := c.authority(ctx, "getSenders")
	if err != nil {
		return nil, err
	}
	out, err := decodeSenders(p.Decoder, p.Start)
	if err == nil {
		err = p.End()
	}
	if err != nil {
		return nil, fmt.Errorf("far: getSenders: %w", err)
	}
	return out, nil
}

// Dispatchers lists the intermediaries connected to FaR and the senders each
// may sign for (Authority getDispatchers).
func (c *Client) Dispatchers(ctx context.Context) ([]Dispatcher, error) {
	p, err := c.authority(ctx, "getDispatchers")
	if err != nil {
		return nil, err
	}
	out, err := decodeDispatchers(p.Decoder, p.Start)
	if err == nil {
		err = p.End()
	}
	if err != nil {
		return nil, fmt.Errorf("far: getDispatchers: %w", err)
	}
	return out, nil
}

func (c *Client) authority(ctx context.Context, op string) (*soap.Payload, error) {
	if c.eps.Authority == "" {
		return nil, fmt.Errorf("far: %s: %w: no Authority endpoint configured", op, ErrConfig)
	}
	resp, err := c.call(ctx, c.eps.Authority, appendAuthorityRequest(nil, op))
	if err != nil {
		return nil, fmt.Errorf("far: %s: %w", op, err)
	}
	p, err := soap.ReadResponse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("far: %s: %w", op, err)
	}
	return p, nil
}

func (c *Client) call(ctx context.Context, url string, body []byte) (*soap.Response, error) {
	return c.soap.Call(ctx, url, soap.AppendEnvelope(make([]byte, 0, soap.EnvelopeLen(len(body))), body))
}

// inBatches runs fn over ids in batches, at most c.parallel at a time. The
// first error cancels the rest.
func (c *Client) inBatches(ctx context.Context, ids []message.RecipientID, fn func(context.Context, []message.RecipientID) error) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, c.parallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for start := 0; start < len(ids); start += c.batch {
		batch := ids[start:min(start+c.batch, len(ids))]
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			once.Do(func() { first = ctx.Err() })
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, batch); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// uniqueIDs checks every id and returns them without repeats, in first-seen
// order.
func uniqueIDs(ids []message.RecipientID) ([]message.RecipientID, error) {
	seen := make(map[message.RecipientID]bool, len(ids))
	out := make([]message.RecipientID, 0, len(ids))
	for i, id := range ids {
		if !id.Valid() {
			return nil, fmt.Errorf("far: recipient %d (%s) is not a valid identity in wire form: %w", i+1, id.Masked(), message.ErrInvalidID)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// answeredExactly checks that FaR answered once for each id asked and for
// nobody else.
func answeredExactly(asked []message.RecipientID, got []Account) error {
	want := make(map[message.RecipientID]bool, len(asked))
	for _, id := range asked {
		want[id] = true
	}
	for _, a := range got {
		if !want[a.Recipient] {
			return malformed("answer for %s, who was not asked about or was answered twice", a.Recipient.Masked())
		}
		delete(want, a.Recipient)
	}
	for id := range want {
		return malformed("no answer for %s", id.Masked())
	}
	return nil
}
