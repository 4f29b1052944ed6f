package telemetry

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// No providers, or the API's no-op ones, make a nil *T: nothing recorded,
// nothing built. One real provider is enough to record.
func TestNewIsNilWithoutProviders(t *testing.T) {
	for _, tt := range []struct {
		name string
		off  bool
		mk   func() (*T, error)
	}{
		{"none", true, func() (*T, error) { return New(nil, nil, nil) }},
		{"no-op", true, func() (*T, error) { return New(metricnoop.NewMeterProvider(), tracenoop.NewTracerProvider(), nil) }},
		{"meter", false, func() (*T, error) { return New(sdkmetric.NewMeterProvider(), nil, nil) }},
		{"tracer", false, func() (*T, error) { return New(nil, sdktrace.NewTracerProvider(), nil) }},
	} {
		tel, err := tt.mk()
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.off, tel == nil, tt.name)
	}
	var off *T
	_, span := off.Start(t.Context(), SpanSend, 0)
	assert.False(t, span.On())
	span.Set(KeyClass.Int(3))
	span.End()
	off.Settled(t.Context(), span, Outcome{Channel: "digital"})
	assert.True(t, off.Now().IsZero())
}

// Text masks personal identity numbers in outside text.
func TestTextMasksIdentityNumbers(t *testing.T) {
	assert.NotContains(t, Text("mailing for 195303231855"), "195303231855")
	assert.Equal(t, "arsbesked-2026", Text("arsbesked-2026"))
}

// BenchmarkOffHooks is every telemetry call one digital Send makes, with
// no providers configured (a nil *T): what telemetry costs a Sender that
// records nothing.
func BenchmarkOffHooks(b *testing.B) {
	var off *T
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		_, send := off.StartMessage(ctx, SpanSend, 0, "id")
		_, v := off.Start(ctx, SpanValidate, 0)
		v.EndErr(nil, "")
		_, lookup := off.Start(ctx, SpanLookup, 0)
		_, c := off.BeginCall(ctx, lookup, MethodIsReachable, "https://far.example/recipient", "")
		c.End(ctx, nil)
		lookup.End()
		_, deliver := off.Start(ctx, SpanDeliver, 0)
		for _, step := range []string{SpanSign, SpanSeal} {
			_, s := off.Start(ctx, step, 0)
			s.EndErr(nil, "")
		}
		_, c = off.BeginCall(ctx, deliver, MethodDeliverSecure, "https://op.example/service", "Kivra")
		c.End(ctx, nil)
		deliver.End()
		send.End()
	}
}
