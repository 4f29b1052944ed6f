package telemetry

import (
	"fmt"
	"time"

	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// T is the instruments and the tracer made from one configuration's
// providers. A nil *T records nothing. It is safe for concurrent use.
type T struct {
	tracer trace.Tracer // nil without a TracerProvider
	now    func() time.Time

	settled  metric.Int64Counter
	calls    metric.Float64Histogram
	retries  metric.Int64Counter
	faults   metric.Int64Counter
	active   metric.Int64UpDownCounter
	paper    metric.Int64Counter
	journal  metric.Float64Histogram
	progress metric.Int64Gauge
}

// durationBuckets are the histogram bounds in seconds: the semantic
// conventions' advice for request durations, stretched to the two minutes
// an operator may take to answer.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120}

// New makes the instruments and the tracer from the providers a
// configuration holds, and reads durations from now (time.Now when nil).
// Nil providers, and the API's no-op ones, are off; with both off New
// returns nil, which records nothing at no cost. The global providers are
// never used.
func New(mp metric.MeterProvider, tp trace.TracerProvider, now func() time.Time) (*T, error) {
	if _, ok := mp.(metricnoop.MeterProvider); ok {
		mp = nil
	}
	if _, ok := tp.(tracenoop.TracerProvider); ok {
		tp = nil
	}
	if mp == nil && tp == nil {
		return nil, nil
	}
	t := &T{now: now}
	if t.now == nil {
		t.now = time.Now
	}
	if tp != nil {
		t.tracer = tp.Tracer(ScopeName)
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	m := mp.Meter(ScopeName)
	var errs [8]error
	t.settled, errs[0] = m.Int64Counter(MetricSettled, metric.WithUnit("{message}"),
		metric.WithDescription("Messages that reached a final state: one per Send, one per message of a mailing run."))
	t.calls, errs[1] = m.Float64Histogram(MetricCall, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(durationBuckets...),
		metric.WithDescription("Duration of a call to FaR or a mailbox operator, retries and the waits between them included."))
	t.retries, errs[2] = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts after the first of calls to FaR and the operators, by what the previous attempt met."))
	t.faults, errs[3] = m.Int64Counter(MetricFaults, metric.WithUnit("{fault}"),
		metric.WithDescription("Calls that ended with a SOAP fault, after retries, by code and kind."))
	t.active, errs[4] = m.Int64UpDownCounter(MetricActive, metric.WithUnit("{delivery}"),
		metric.WithDescription("Deliveries and notifications in flight to an operator."))
	t.paper, errs[5] = m.Int64Counter(MetricPaper, metric.WithUnit("{letter}"),
		metric.WithDescription("Messages handed to paper mail, by reason."))
	t.journal, errs[6] = m.Float64Histogram(MetricJournal, metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(durationBuckets...),
		metric.WithDescription("Duration of a mailing journal's Record, one or many entries."))
	t.progress, errs[7] = m.Int64Gauge(MetricProgress, metric.WithUnit("{message}"),
		metric.WithDescription("A mailing's messages done (settled in this run or an earlier one) and remaining."))
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("telemetry: %w", err)
		}
	}
	return t, nil
}

// since is the time since start in seconds.
func (t *T) since(start time.Time) float64 { return t.now().Sub(start).Seconds() }
