package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// telemetry is what the --metrics-addr and --trace-file flags of a send
// set up: the OpenTelemetry SDK and exporters, which only this command
// links (the library depends on the API alone).
type telemetry struct {
	// Meter and Tracer are nil when their flag was empty.
	Meter  *sdkmetric.MeterProvider
	Tracer *sdktrace.TracerProvider
	// MetricsAddr is where /metrics is served: the flag's address with
	// the port the system chose for port 0.
	MetricsAddr string

	srv   *http.Server
	trace *os.File
}

// startTelemetry serves the SDK's metrics in Prometheus text format at
// http://metricsAddr/metrics through the OpenTelemetry Prometheus exporter
// (on a registry of its own, not the global one), and writes spans as JSON
// lines to traceFile through the stdout trace exporter, created or
// truncated. Either may be empty for none. Set the providers in the
// Sender's configuration with Apply and call Shutdown when the send is
// over: it flushes the spans, stops the server and closes the file.
func startTelemetry(metricsAddr, traceFile string) (*telemetry, error) {
	t := &telemetry{}
	res := resource.NewSchemaless(attribute.String("service.name", "mm"))
	if metricsAddr != "" {
		reg := prometheus.NewRegistry()
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			return nil, fmt.Errorf("--metrics-addr: %w", err)
		}
		ln, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			return nil, fmt.Errorf("--metrics-addr %q: %w", metricsAddr, err)
		}
		t.Meter = sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		t.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		t.MetricsAddr = ln.Addr().String()
		go func() { _ = t.srv.Serve(ln) }()
	}
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err != nil {
			_ = t.Shutdown(context.Background())
			return nil, fmt.Errorf("--trace-file: %w", err)
		}
		t.trace = f
		exp, err := stdouttrace.New(stdouttrace.WithWriter(f))
		if err != nil {
			_ = t.Shutdown(context.Background())
			return nil, fmt.Errorf("--trace-file: %w", err)
		}
		t.Tracer = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	}
	return t, nil
}

// Apply sets the providers in cfg; an empty flag leaves its provider nil.
func (t *telemetry) Apply(cfg *sdk.Config) {
	if t.Meter != nil {
		cfg.MeterProvider = t.Meter
	}
	if t.Tracer != nil {
		cfg.TracerProvider = t.Tracer
	}
}

// Shutdown flushes what is buffered, stops serving /metrics and closes the
// trace file.
func (t *telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	if t.Tracer != nil {
		errs = append(errs, t.Tracer.Shutdown(ctx))
	}
	if t.trace != nil {
		errs = append(errs, t.trace.Close())
	}
	if t.srv != nil {
		errs = append(errs, t.srv.Shutdown(ctx))
	}
	if t.Meter != nil {
		errs = append(errs, t.Meter.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
