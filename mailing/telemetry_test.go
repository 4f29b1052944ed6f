package mailing_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/internal/telemetrytest"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The exact metrics and spans of a 100-message mailing: every way a
// message of the population ends, counted once.
func TestMailingTelemetry(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	s := start(t, func(c *mm.Config) { c.MeterProvider, c.TracerProvider = rig.Meter, rig.Tracer })
	ids := population(t, s.Infra, 100)
	ctx, parent := rig.Tracer.Tracer("caller").Start(context.Background(), "caller")
	rep, err := mailing.Send(ctx, s.Sender, mailingOf(ids, "m100"), mailing.Options{
		Name: "m100", Journal: journal.NewMemory(journal.Config{}), Total: len(ids),
	})
	parent.End()
	require.NoError(t, err)
	require.Equal(t, 100, rep.Done)

	// How many FaR calls the run made depends on how the stream was cut
	// into batches; the fake counts them.
	lookups := s.Infra.Requests(fakeinfra.EndpointRecipient)
	require.Positive(t, lookups)
	deliver := func(op string) string {
		return "mm.operator=" + op + ",rpc.method=Service/deliverSecure,rpc.system.name=soap,server.address=127.0.0.1: 20"
	}
	assert.Equal(t, map[string][]string{
		telemetry.MetricProgress: {
			"mm.mailing.progress=done,mm.mailing=m100: 100",
			"mm.mailing.progress=remaining,mm.mailing=m100: 0",
		},
		// population: a tenth without a mailbox, a tenth turning the
		// sender away, a tenth declined by the operator, the rest
		// delivered, spread over the four operators.
		telemetry.MetricSettled: {
			"mm.channel=digital,mm.class=3,mm.operator=Billo,mm.state=delivered: 15",
			"mm.channel=digital,mm.class=3,mm.operator=Fortnox,mm.state=delivered: 20",
			"mm.channel=digital,mm.class=3,mm.operator=Kivra,mm.state=delivered: 15",
			"mm.channel=digital,mm.class=3,mm.operator=Min myndighetspost,mm.state=delivered: 20",
			"mm.channel=paper,mm.class=3,mm.operator=Billo,mm.state=declined-then-paper: 5",
			"mm.channel=paper,mm.class=3,mm.operator=Kivra,mm.state=declined-then-paper: 5",
			"mm.channel=paper,mm.class=3,mm.state=paper: 20",
		},
		telemetry.MetricCall: {
			deliver("Billo"), deliver("Fortnox"), deliver("Kivra"), deliver("Min myndighetspost"),
			fmt.Sprintf("rpc.method=Recipient/isReachable,rpc.system.name=soap,server.address=127.0.0.1: %d", lookups),
		},
		telemetry.MetricPaper: {
			"mm.class=3,mm.paper.reason=no-mailbox: 10",
			"mm.class=3,mm.paper.reason=operator-declined: 10",
			"mm.class=3,mm.paper.reason=sender-not-accepted: 10",
		},
		// A record before and after each send: 70 delivered, 10 declined
		// then papered (three), 20 straight to paper; and one per lookup
		// batch.
		telemetry.MetricJournal: {fmt.Sprintf(": %d", 2*70+3*10+2*20+lookups)},
	}, rig.Points())

	tree := map[string]int{}
	for _, path := range rig.Tree() {
		tree[path]++
	}
	assert.Equal(t, map[string]int{
		"caller":                            1,
		"caller/mm.mailing.batch":           lookups,
		"caller/mm.mailing.batch/mm.lookup": lookups,
		"caller/mm.deliver":                 80,
		"caller/mm.deliver/mm.seal":         80,
		"caller/mm.deliver/mm.sign":         80,
		"caller/mm.paper":                   30,
	}, tree)
	sizes := 0
	for _, sp := range rig.Spans() {
		if sp.Name() == telemetry.SpanBatch {
			for _, kv := range sp.Attributes() {
				if kv.Key == telemetry.KeyBatchSize {
					sizes += int(kv.Value.AsInt64())
				}
			}
		}
	}
	assert.Equal(t, 100, sizes, "the batches hold every message once")
}
