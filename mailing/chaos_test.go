package mailing_test

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var chaosN = flag.Int("chaos", 10_000, "messages in the chaos test")

// The chaos test: 10,000 messages while operators fail in every way, one is
// down for a stretch, and recipients lack mailboxes or turn the sender
// away. Afterwards every message is in exactly one final state that
// matches the fake's own records, nothing is stored twice, and every paper
// letter is in the folder once.
func TestChaos(t *testing.T) {
	t.Parallel()
	n := *chaosN
	if testing.Short() {
		n = 1000
	}
	infra, paper, j, rep := chaos(t, n, nil)
	t.Logf("chaos: %d messages in %s: %v, duplicates refused by operators: %d", n, rep.Elapsed, rep.ByState, infra.Duplicates())
	assert.Equal(t, n, rep.Done)
	assert.Zero(t, rep.Failed)
	assert.Zero(t, rep.Unknown, "every unanswered delivery was settled by a resend")

	// Every message: exactly one final state, as the fake knows it.
	stored := map[string]int{}
	for _, d := range infra.Deliveries() {
		stored[d.Message.ID]++
	}
	papered := map[string]int{}
	letters, err := paper.List()
	require.NoError(t, err)
	for _, l := range letters {
		papered[l.MessageID]++
	}
	ctx := context.Background()
	total := 0
	for e, err := range j.List(ctx, "chaos", journal.Filter{}) {
		require.NoError(t, err)
		total++
		switch e.State {
		case journal.Delivered:
			assert.Equal(t, 1, stored[e.MessageID], "%s stored once", e.MessageID)
			assert.Zero(t, papered[e.MessageID])
			known, delivered := infra.Known(opName(infra, e.Operator), e.MessageID)
			assert.True(t, known && delivered, e.MessageID)
		case journal.Paper, journal.DeclinedThenPaper:
			assert.Equal(t, 1, papered[e.MessageID], "%s papered once", e.MessageID)
			assert.Zero(t, stored[e.MessageID])
			assert.Equal(t, receipt.Paper, e.Channel)
		default:
			t.Errorf("%s ended %s", e.MessageID, e.State)
		}
	}
	assert.Equal(t, n, total)
	for id, k := range stored {
		assert.Equal(t, 1, k, "%s stored %d times", id, k)
	}
}

// chaos sends n messages through operators failing in every way, one of
// them down for a stretch, to recipients of every kind (population), into
// an SQLite journal; mod, when set, changes the Sender's configuration.
func chaos(t *testing.T, n int, mod func(*mm.Config)) (*fakeinfra.Infra, *paperdir.Dir, *sqlitejournal.Journal, *mailing.Report) {
	t.Helper()
	infra := fakeinfra.Start(t, fakeinfra.WithSeed(42))
	ids := population(t, infra, n)
	for _, op := range infra.Operators() {
		ep := fakeinfra.OperatorEndpoint(op)
		infra.Inject(fakeinfra.SOAPFault(ep, 1000), fakeinfra.Fraction(0.10))
		infra.Inject(fakeinfra.ConnectionReset(ep), fakeinfra.Fraction(0.02))
		infra.Inject(fakeinfra.Timeout(ep), fakeinfra.Fraction(0.01), fakeinfra.AfterStore())
	}
	infra.Inject(fakeinfra.ConnectionReset(fakeinfra.OperatorEndpoint("billo")), fakeinfra.For(3*time.Second))

	paper, err := paperdir.New(t.TempDir(), paperdir.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = paper.Close() })
	cfg := infra.SenderConfig()
	cfg.Paper = paper
	// Long enough that only the injected timeouts expire: with RSA signing
	// under -race on a loaded machine, a fake operator's answer can take a
	// few hundred milliseconds, and an unanswered resend is not the chaos
	// this test injects.
	cfg.ReadTimeout = 2 * time.Second
	cfg.MaxRetries = 2
	if mod != nil {
		mod(&cfg)
	}
	sender, err := mm.New(cfg)
	require.NoError(t, err)
	j, err := sqlitejournal.Open(t.TempDir()+"/journal.db", journal.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })

	rep, err := mailing.Send(context.Background(), sender, mailingOf(ids, "chaos"), mailing.Options{
		Name: "chaos", Journal: j, PerOperator: 8, BreakerThreshold: 3, BreakerCooldown: time.Second,
		ResendUnknown: 5, ResendWait: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	return infra, paper, j, rep
}

func opName(infra *fakeinfra.Infra, o message.Operator) string {
	for _, name := range infra.Operators() {
		if op, _ := infra.Operator(name); op.ID == o.ID {
			return name
		}
	}
	return ""
}
