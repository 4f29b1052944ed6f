package mm_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/internal/testsender"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test personal numbers: no real people.
const (
	alice = testmsg.Alice
	bob   = testmsg.Bob
	carl  = testmsg.Carl
	dora  = testmsg.Dora
)

func newMessage(to string) *message.Message { return testmsg.New(to) }

func class1(to string) *message.Message { return testmsg.Class1(to) }

// setup is a Sender through the fake, with the events it reported.
type setup struct {
	*testsender.Setup
	events *eventLog
}

type eventLog struct {
	mu sync.Mutex
	ev []mm.Event
}

func (l *eventLog) add(e mm.Event) { l.mu.Lock(); l.ev = append(l.ev, e); l.mu.Unlock() }
func (l *eventLog) kinds() []mm.EventKind {
	l.mu.Lock()
	defer l.mu.Unlock()
	var k []mm.EventKind
	for _, e := range l.ev {
		k = append(k, e.Kind)
	}
	return k
}

func start(t *testing.T, mod ...func(*mm.Config)) *setup {
	t.Helper()
	events := &eventLog{}
	s := testsender.Start(t, append([]func(*mm.Config){func(c *mm.Config) { c.OnEvent = events.add }}, mod...)...)
	return &setup{Setup: s, events: events}
}

func TestSendDigitalAtEachOperator(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := []string{alice, bob, carl, dora}
	for k, op := range s.Infra.Operators() {
		require.NoError(t, s.Infra.AddRecipient(ids[k], fakeinfra.Mailbox(op)))
		m := newMessage(ids[k])
		r, err := s.Sender.Send(context.Background(), m)
		require.NoError(t, err, op)
		assert.NotEmpty(t, m.ID, "Send fills in the ID")
		assert.Equal(t, m.ID, r.MessageID)
		assert.Equal(t, receipt.Digital, r.Channel)
		assert.Equal(t, receipt.StateDelivered, r.State)
		want, _ := s.Infra.Operator(op)
		assert.Equal(t, want.ID, r.Operator.ID)
		box := s.Infra.Mailbox(ids[k])
		require.Len(t, box, 1)
		assert.Equal(t, m.ID, box[0].Message.ID)
	}
	list, err := s.Paper.List()
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestSendNotification(t *testing.T) {
	t.Parallel()
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	r, err := s.Sender.Send(context.Background(), class1(alice))
	require.NoError(t, err)
	assert.Equal(t, receipt.Notification, r.Channel)
	assert.Equal(t, receipt.StateDelivered, r.State)
	assert.ElementsMatch(t, []string{"SMS", "EMail"}, r.NotifiedBy)
	assert.Equal(t, []mm.EventKind{mm.EventLookedUp, mm.EventNotified}, s.events.kinds())
}

func TestSendPaperForEachReason(t *testing.T) {
	t.Parallel()
	s := start(t)
	sender := s.Infra.Sender().ID
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.NoMailbox()))
	require.NoError(t, s.Infra.AddRecipient(bob, fakeinfra.Mailbox("kivra"), fakeinfra.Rejects(sender)))
	require.NoError(t, s.Infra.AddRecipient(carl, fakeinfra.Mailbox("billo"), fakeinfra.Pending()))
	require.NoError(t, s.Infra.AddRecipient(dora, fakeinfra.Mailbox("fortnox"), fakeinfra.DeclinedByOperator()))
	cases := []struct {
		to     string
		reason message.PaperReason
	}{
		{alice, message.PaperNoMailbox},
		{bob, message.PaperSenderNotAccepted},
		{carl, message.PaperAccountPending},
		{dora, message.PaperOperatorDeclined},
	}
	for _, c := range cases {
		m := newMessage(c.to)
		r, err := s.Sender.Send(context.Background(), m)
		require.NoError(t, err, c.reason)
		assert.Equal(t, receipt.Paper, r.Channel, c.reason)
		assert.Equal(t, receipt.StatePaper, r.State)
		assert.Equal(t, c.reason, r.PaperReason)
		man, err := s.Paper.Manifest(m.ID)
		require.NoError(t, err)
		assert.Equal(t, string(c.reason), string(man.Reason))
	}
	// The declined delivery's evidence stays on the paper receipt.
	assert.Empty(t, s.Infra.Deliveries())
	assert.Equal(t, 1, s.Infra.Requests(fakeinfra.OperatorEndpoint("fortnox")))
	list, err := s.Paper.List()
	require.NoError(t, err)
	assert.Len(t, list, 4)
}

func TestDeclinedPaperKeepsEvidence(t *testing.T) {
	t.Parallel()
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra"), fakeinfra.DeclinedByOperator()))
	r, err := s.Sender.Send(context.Background(), newMessage(alice))
	require.NoError(t, err)
	assert.Equal(t, receipt.StatePaper, r.State)
	assert.NotEmpty(t, r.TransID, "the operator's answer is kept")
	assert.Equal(t, "Kivra", r.Operator.Name)
	assert.Equal(t, []mm.EventKind{mm.EventLookedUp, mm.EventDeclined, mm.EventPaper}, s.events.kinds())
}

func TestPaperHookFailureIsReported(t *testing.T) {
	t.Parallel()
	boom := errors.New("printer on fire")
	s := start(t, func(c *mm.Config) {
		c.Paper = mm.PaperFunc(func(context.Context, *message.Message, message.PaperReason) error { return boom })
	})
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.NoMailbox()))
	r, err := s.Sender.Send(context.Background(), newMessage(alice))
	require.Error(t, err)
	assert.ErrorIs(t, err, mm.ErrNotSent)
	assert.ErrorIs(t, err, boom)
	require.NotNil(t, r)
	assert.Equal(t, receipt.StateFailed, r.State, "reported unsent, not lost")
}

func TestPaperPolicies(t *testing.T) {
	t.Parallel()
	s := start(t, func(c *mm.Config) {
		c.PaperPolicy = map[securityclass.Class]mm.PaperPolicy{securityclass.Class1: mm.NoPaperFallback, securityclass.Class2: mm.PaperOnly}
	})
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.NoMailbox()))
	_, err := s.Sender.Send(context.Background(), class1(alice))
	assert.ErrorIs(t, err, mm.ErrNotSent, "class 1 has no paper fallback here")

	m := newMessage(bob)
	m.Class = securityclass.Class2
	before := s.Infra.Requests(fakeinfra.EndpointRecipient)
	r, err := s.Sender.Send(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, message.PaperClassPolicy, r.PaperReason)
	assert.Equal(t, before, s.Infra.Requests(fakeinfra.EndpointRecipient), "paper only: FaR not asked")

	none := start(t, func(c *mm.Config) { c.Paper = nil })
	require.NoError(t, none.Infra.AddRecipient(alice, fakeinfra.NoMailbox()))
	_, err = none.Sender.Send(context.Background(), newMessage(alice))
	assert.ErrorIs(t, err, mm.ErrNotSent)
	assert.ErrorContains(t, err, "no paper mail is configured")
}

func TestInvalidMessageMakesNoCall(t *testing.T) {
	t.Parallel()
	s := start(t)
	m := newMessage(alice)
	m.Support.Text = ""
	_, err := s.Sender.Send(context.Background(), m)
	var ve *message.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "Support.Text", ve.Field)
	assert.Zero(t, s.Infra.Requests(fakeinfra.EndpointRecipient))
	for _, op := range s.Infra.Operators() {
		assert.Zero(t, s.Infra.Requests(fakeinfra.OperatorEndpoint(op)))
	}
}

func TestOperatorRefusal(t *testing.T) {
	t.Parallel()
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	s.Infra.Inject(fakeinfra.OperatorFault("kivra", fault.CodeUnsupportedMIMEType))
	r, err := s.Sender.Send(context.Background(), newMessage(alice))
	assert.ErrorIs(t, err, mm.ErrNotSent)
	var f *fault.Fault // the public type of the fault users branch on
	require.True(t, errors.As(err, &f))
	assert.Equal(t, fault.CodeUnsupportedMIMEType, f.Code)
	assert.NotEmpty(t, f.CallID)
	assert.False(t, f.Retryable())
	assert.Equal(t, receipt.StateFailed, r.State)
	list, _ := s.Paper.List()
	assert.Empty(t, list, "a refusal is not papered: the input must change")
}

// A fault without an error code (see soap.Fault): soap:Server leaves the
// message maybe delivered, never papered; soap:Client is a refusal.
func TestOperatorFaultWithoutCode(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		faultcode string
		want      error
		state     receipt.State
	}{
		{"soap:Server", mm.ErrMaybeDelivered, receipt.StateUnknown},
		{"soap:Client", mm.ErrNotSent, receipt.StateFailed},
	} {
		s := start(t, func(c *mm.Config) { c.MaxRetries = 1 })
		require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
		s.Infra.Inject(fakeinfra.CodelessFault(fakeinfra.OperatorEndpoint("kivra"), tt.faultcode))
		r, err := s.Sender.Send(context.Background(), newMessage(alice))
		assert.ErrorIs(t, err, tt.want, tt.faultcode)
		require.NotNil(t, r, tt.faultcode)
		assert.Equal(t, tt.state, r.State, tt.faultcode)
		list, _ := s.Paper.List()
		assert.Empty(t, list, "%s: neither goes by paper", tt.faultcode)
	}
}

func TestLookupFailure(t *testing.T) {
	t.Parallel()
	s := start(t, func(c *mm.Config) { c.MaxRetries = 1 })
	s.Infra.Inject(fakeinfra.HTTPStatus(fakeinfra.EndpointRecipient, 503), fakeinfra.For(time.Minute))
	_, err := s.Sender.Send(context.Background(), newMessage(alice))
	assert.ErrorIs(t, err, mm.ErrLookup)
	assert.Empty(t, s.Infra.Deliveries())
}

// A context cancelled while the operator holds the request: the message may
// have landed, Send says so promptly, and nothing goes by paper.
func TestContextCancelledMidSend(t *testing.T) {
	t.Parallel()
	s := start(t)
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	s.Infra.Inject(fakeinfra.Latency(fakeinfra.OperatorEndpoint("kivra"), 5*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // cancel once the operator holds the request
		for s.Infra.Requests(fakeinfra.OperatorEndpoint("kivra")) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	begin := time.Now()
	r, err := s.Sender.Send(ctx, newMessage(alice))
	assert.Less(t, time.Since(begin), 3*time.Second)
	assert.ErrorIs(t, err, mm.ErrMaybeDelivered)
	require.NotNil(t, r)
	assert.Equal(t, receipt.StateUnknown, r.State)
	list, _ := s.Paper.List()
	assert.Empty(t, list)
}

func TestProofHook(t *testing.T) {
	t.Parallel()
	var proofs []*receipt.Proof
	s := start(t, func(c *mm.Config) {
		c.OnProof = func(p *receipt.Proof) error { proofs = append(proofs, p); return nil }
	})
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	r, err := s.Sender.Send(context.Background(), newMessage(alice))
	require.NoError(t, err)
	require.Len(t, proofs, 1)
	assert.Equal(t, r.SealedSHA256, proofs[0].SealedSHA256)
	assert.NoError(t, proofs[0].Check())
}

// Personal identity numbers never appear whole in the logs of full sends.
func TestLogsMaskPersonalNumbers(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := start(t, func(c *mm.Config) { c.Logger = logger })
	require.NoError(t, s.Infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, s.Infra.AddRecipient(bob, fakeinfra.NoMailbox()))
	s.Infra.Inject(fakeinfra.HTTPStatus(fakeinfra.OperatorEndpoint("kivra"), 502), fakeinfra.Times(1))
	for _, to := range []string{alice, bob} {
		_, err := s.Sender.Send(context.Background(), newMessage(to))
		require.NoError(t, err)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	require.NotEmpty(t, out)
	for _, id := range []string{alice, bob} {
		assert.NotContains(t, out, id)
		assert.NotContains(t, out, id[2:], "nor in the 10-digit form")
		assert.Contains(t, out, id[:8]+"****")
	}
	assert.NotContains(t, out, "Ditt bygglov", "nor the body")
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// New's errors wrap the cause with %w, so that a caller can tell which
// package refused the configuration.
func TestNewWrapsTheCause(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	cfg := infra.SenderConfig()
	cfg.FaR.Recipient = "http://far.example/Recipient/v3"
	_, err := mm.New(cfg)
	require.ErrorIs(t, err, mm.ErrConfig)
	assert.ErrorIs(t, err, far.ErrConfig, "the far package's reason comes through")
}

// The defaults a Sender works with are the ones Config documents, and the
// transport's own.
func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	s := start(t)
	cfg := s.Sender.Config()
	assert.Equal(t, mm.DefaultConnectTimeout, cfg.ConnectTimeout)
	assert.Equal(t, mm.DefaultReadTimeout, cfg.ReadTimeout)
	assert.Equal(t, 10*time.Millisecond, cfg.RetryWaitMin, "the fake's SenderConfig sets its own")
	assert.Equal(t, mm.DefaultMaxRetries, cfg.MaxRetries)
	assert.NotNil(t, cfg.Now)
	assert.Equal(t, soap.DefaultConnectTimeout, mm.DefaultConnectTimeout)
	assert.Equal(t, soap.DefaultReadTimeout, mm.DefaultReadTimeout)
	assert.Equal(t, soap.DefaultMaxRetries, mm.DefaultMaxRetries)
	assert.Equal(t, soap.DefaultRetryWaitMin, mm.DefaultRetryWaitMin)
	assert.Equal(t, soap.DefaultRetryWaitMax, mm.DefaultRetryWaitMax)
}
