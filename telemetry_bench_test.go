package mm_test

import (
	"context"
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// BenchmarkSendNoopProviders is BenchmarkSend's 1 KiB case with the
// OpenTelemetry API's no-op providers configured explicitly: what a
// program pays that wires the providers but records nothing. Compare it
// with BenchmarkSend/1KiB, without providers, in the same run.
func BenchmarkSendNoopProviders(b *testing.B) {
	infra := fakeinfra.Start(b)
	if err := infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")); err != nil {
		b.Fatal(err)
	}
	cfg := infra.SenderConfig()
	cfg.MeterProvider, cfg.TracerProvider = metricnoop.NewMeterProvider(), tracenoop.NewTracerProvider()
	s, err := mm.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Send(context.Background(), benchMessage(1<<10)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
