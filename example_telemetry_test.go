package mm_test

import (
	"context"
	"fmt"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A service that exports metrics and traces already hands its own
// providers to the Sender; here an in-memory reader and exporter stand in
// for the service's (a Prometheus or OTLP exporter, say).
func Example_telemetry() {
	infra, err := fakeinfra.New()
	if err != nil {
		panic(err)
	}
	defer infra.Close()
	infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra"))

	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewInMemoryExporter()
	cfg := infra.SenderConfig()
	cfg.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	cfg.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	sender, err := mm.New(cfg)
	if err != nil {
		panic(err)
	}
	_, err = sender.Send(context.Background(), &message.Message{
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67."},
	})
	if err != nil {
		panic(err)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "mm.messages.settled" {
			channel, _ := sum.DataPoints[0].Attributes.Value("mm.channel")
			fmt.Println(m.Name, channel.AsString(), sum.DataPoints[0].Value)
		}
	}
	for _, s := range spans.GetSpans() {
		fmt.Print(s.Name, " ")
	}
	fmt.Println()
	// Output:
	// mm.messages.settled digital 1
	// mm.validate mm.lookup mm.sign mm.seal mm.deliver mm.send
}
