package far_test

import (
	"context"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/internal/telemetrytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// isRegistered and the Authority's calls have spans of their own, as
// lookups do, children of the caller's span, with the call's attributes:
// nothing personal (the recipients are a count).
func TestRegisteredAndAuthoritySpans(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	infra, c := newFake(t, func(cfg *far.Config) { cfg.MeterProvider, cfg.TracerProvider = rig.Meter, rig.Tracer })
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))
	ctx, parent := rig.Tracer.Tracer("caller").Start(context.Background(), "caller")
	_, err := c.IsRegistered(ctx, alice, bob)
	require.NoError(t, err)
	accepted, err := c.IsSenderAccepted(ctx, sender)
	require.NoError(t, err)
	assert.True(t, accepted)
	parent.End()

	assert.Equal(t, []string{"caller", "caller/mm.accounts", "caller/mm.authority"}, rig.Tree())
	span, attrs := rig.Span(telemetry.SpanAccounts)
	assert.Equal(t, "mm.recipients=2,rpc.method=Recipient/isRegistered,rpc.system.name=soap,server.address=127.0.0.1", attrs)
	assert.Equal(t, trace.SpanKindClient, span.SpanKind())
	span, attrs = rig.Span(telemetry.SpanAuthority)
	assert.Equal(t, "rpc.method=Authority/isSenderAccepted,rpc.system.name=soap,server.address=127.0.0.1", attrs)
	assert.Equal(t, codes.Unset, span.Status().Code)
	rig.Every(func(where string, kv attribute.KeyValue) {
		assert.NotContains(t, kv.Value.String(), string(alice), "%s %s", where, kv.Key)
	})
}

// A failed Authority call fails its span.
func TestAuthoritySpanFails(t *testing.T) {
	t.Parallel()
	rig := telemetrytest.New(t)
	infra, c := newFake(t, func(cfg *far.Config) { cfg.MeterProvider, cfg.TracerProvider = rig.Meter, rig.Tracer })
	infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointAuthority, fault.CodeNotAuthorised))
	_, err := c.Senders(context.Background())
	require.Error(t, err)
	span, _ := rig.Span(telemetry.SpanAuthority)
	assert.Equal(t, codes.Error, span.Status().Code)
	assert.Equal(t, "getSenders failed", span.Status().Description)
}
