package telemetrytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Rig is a MeterProvider and a TracerProvider that keep everything in
// memory.
type Rig struct {
	Meter  *sdkmetric.MeterProvider
	Tracer *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	t      testing.TB
}

// New returns a Rig that shuts down with the test.
func New(t testing.TB) *Rig {
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	r := &Rig{
		Meter:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		Tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		reader: reader, spans: spans, t: t,
	}
	t.Cleanup(func() {
		_ = r.Meter.Shutdown(context.Background())
		_ = r.Tracer.Shutdown(context.Background())
	})
	return r
}

// Metrics collects every metric recorded so far.
func (r *Rig) Metrics() []metricdata.Metrics {
	r.t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		r.t.Fatalf("collect metrics: %v", err)
	}
	var all []metricdata.Metrics
	for _, sm := range rm.ScopeMetrics {
		all = append(all, sm.Metrics...)
	}
	return all
}

// Points summarises the metrics: for each instrument name, a line per
// data point, "attr=value,attr=value: value", sorted. A counter's or a
// gauge's value is its value; a histogram's is its count of measurements
// (durations vary, counts do not). A sum's points whose value is zero are
// left out (an up-down counter back to zero), and attributes named in drop
// are not shown.
func (r *Rig) Points(drop ...attribute.Key) map[string][]string {
	r.t.Helper()
	out := map[string][]string{}
	for _, m := range r.Metrics() {
		var lines []string
		add := func(set attribute.Set, v any) {
			lines = append(lines, fmt.Sprintf("%s: %v", Attrs(set.ToSlice(), drop...), v))
		}
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				if p.Value != 0 {
					add(p.Attributes, p.Value)
				}
			}
		case metricdata.Sum[float64]:
			for _, p := range d.DataPoints {
				if p.Value != 0 {
					add(p.Attributes, p.Value)
				}
			}
		case metricdata.Gauge[int64]:
			for _, p := range d.DataPoints {
				add(p.Attributes, p.Value)
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				add(p.Attributes, p.Count)
			}
		default:
			r.t.Fatalf("metric %s: unexpected data %T", m.Name, m.Data)
		}
		if len(lines) > 0 {
			slices.Sort(lines)
			out[m.Name] = lines
		}
	}
	return out
}

// Spans returns the ended spans.
func (r *Rig) Spans() []sdktrace.ReadOnlySpan { return r.spans.Ended() }

// Tree summarises the ended spans as paths from a root, "mm.send/mm.lookup",
// one per span, sorted; a span whose parent was not recorded (the
// caller's) is a root.
func (r *Rig) Tree() []string {
	spans := r.Spans()
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID().String()] = s
	}
	var out []string
	for _, s := range spans {
		path := s.Name()
		for p := s.Parent(); p.IsValid(); {
			ps, ok := byID[p.SpanID().String()]
			if !ok {
				break
			}
			path = ps.Name() + "/" + path
			p = ps.Parent()
		}
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// Span returns the one ended span named name with its attributes
// summarised as Attrs does, failing the test unless there is exactly one.
func (r *Rig) Span(name string, drop ...attribute.Key) (sdktrace.ReadOnlySpan, string) {
	r.t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range r.Spans() {
		if s.Name() == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		r.t.Fatalf("%d spans named %s, want 1", len(found), name)
	}
	return found[0], Attrs(found[0].Attributes(), drop...)
}

// Attrs writes attributes as "key=value" joined by commas, sorted by key,
// without those named in drop.
func Attrs(kv []attribute.KeyValue, drop ...attribute.Key) string {
	parts := make([]string, 0, len(kv))
	for _, a := range kv {
		if slices.Contains(drop, a.Key) {
			continue
		}
		parts = append(parts, string(a.Key)+"="+a.Value.String())
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// Every yields every attribute of every metric data point, span, span
// event and span link recorded so far, with where it was found, for tests
// that look for what must never be recorded.
func (r *Rig) Every(f func(where string, kv attribute.KeyValue)) {
	r.t.Helper()
	for _, m := range r.Metrics() {
		each := func(set attribute.Set) {
			for _, kv := range set.ToSlice() {
				f("metric "+m.Name, kv)
			}
		}
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				each(p.Attributes)
			}
		case metricdata.Sum[float64]:
			for _, p := range d.DataPoints {
				each(p.Attributes)
			}
		case metricdata.Gauge[int64]:
			for _, p := range d.DataPoints {
				each(p.Attributes)
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				each(p.Attributes)
			}
		}
	}
	for _, s := range r.Spans() {
		for _, kv := range s.Attributes() {
			f("span "+s.Name(), kv)
		}
		f("span "+s.Name(), attribute.String("status.description", s.Status().Description))
		for _, e := range s.Events() {
			for _, kv := range e.Attributes {
				f("event "+e.Name+" of "+s.Name(), kv)
			}
		}
		for _, l := range s.Links() {
			for _, kv := range l.Attributes {
				f("link of "+s.Name(), kv)
			}
		}
	}
}
