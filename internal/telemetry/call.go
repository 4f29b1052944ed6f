package telemetry

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/avsandare/mm/fault"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/safetext"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Call is one call to FaR or an operator being measured; nil when
// telemetry is off.
type Call struct {
	t     *T
	span  Span
	start time.Time
	attrs []attribute.KeyValue // rpc.system.name, rpc.method, server.address, mm.operator
	set   attribute.Set        // the same, for the active counter
}

type callKey struct{}

// BeginCall starts measuring a call of method to rawURL, made within span;
// operator is the operator's name for deliveries (empty for FaR), whose
// calls count as in flight until End. The context returned carries the
// call, for Retry.
func (t *T) BeginCall(ctx context.Context, span Span, method, rawURL, operator string) (context.Context, *Call) {
	if t == nil {
		return ctx, nil
	}
	c := &Call{t: t, span: span, start: t.now()}
	c.attrs = append(make([]attribute.KeyValue, 0, 4), KeyRPCSystem.String(rpcSystem), KeyRPCMethod.String(method))
	if u, err := url.Parse(rawURL); err == nil && u.Hostname() != "" {
		c.attrs = append(c.attrs, KeyServer.String(Text(u.Hostname())))
	}
	if operator != "" {
		c.attrs = append(c.attrs, KeyOperator.String(Text(operator)))
		c.set = attribute.NewSet(c.attrs...)
		t.active.Add(ctx, 1, metric.WithAttributeSet(c.set))
	}
	if span.On() {
		span.Set(c.attrs...)
	}
	return context.WithValue(ctx, callKey{}, c), c
}

// End records the call's duration and, when it ended with a fault, the
// fault; err is the call's error (nil when an answer came).
func (c *Call) End(ctx context.Context, err error) {
	if c == nil {
		return
	}
	took := c.t.since(c.start)
	if c.set.Len() > 0 {
		c.t.active.Add(ctx, -1, metric.WithAttributeSet(c.set))
	}
	attrs := c.attrs
	if err != nil {
		f := soap.Classify(err)
		attrs = append(attrs[:len(attrs):len(attrs)], KeyErrorType.String(f.Class))
		if f.Fault != nil {
			fa := faultAttrs(f.Fault)
			attrs = append(attrs, fa...)
			c.t.faults.Add(ctx, 1, metric.WithAttributes(append(c.attrs[:len(c.attrs):len(c.attrs)], fa...)...))
		}
	}
	c.t.calls.Record(ctx, took, metric.WithAttributes(attrs...))
}

// Retry records a retry of the call ctx carries (BeginCall): a count and
// an event on the call's span. It is soap.Config.OnRetry.
func (t *T) Retry(ctx context.Context, r soap.Retry) {
	c, _ := ctx.Value(callKey{}).(*Call)
	if t == nil || c == nil {
		return
	}
	why := make([]attribute.KeyValue, 0, 4)
	if r.Err != nil {
		f := soap.Classify(r.Err)
		why = append(why, KeyErrorType.String(f.Class))
		if f.Fault != nil {
			why = append(why, faultAttrs(f.Fault)...)
		}
	} else {
		why = append(why, KeyErrorType.String(strconv.Itoa(r.Status)), KeyHTTPStatus.Int(r.Status))
	}
	t.retries.Add(ctx, 1, metric.WithAttributes(append(c.attrs[:len(c.attrs):len(c.attrs)], why...)...))
	if c.span.On() {
		c.span.Event(EventRetry, append(why, KeyAttempt.Int(r.Attempt), KeyWait.Float64(r.Wait.Seconds()))...)
	}
}

// faultAttrs are a fault's code (rpc.response.status_code; none for a
// fault without one) and kind: technical when the SDK retries it,
// application when it does not (fault.Fault.Retryable).
func faultAttrs(f *fault.Fault) []attribute.KeyValue {
	kind := faultKindApplication
	if f.Retryable() {
		kind = faultKindTechnical
	}
	if f.Code == fault.NoCode {
		return []attribute.KeyValue{KeyFaultKind.String(kind)}
	}
	return []attribute.KeyValue{KeyRPCStatus.String(strconv.Itoa(f.Code)), KeyFaultKind.String(kind)}
}

// Text is outside text fit for an attribute: safetext.Clean masks
// personal identity numbers and replaces control characters.
func Text(s string) string { return safetext.Clean(s) }

// OnRetry is Retry as soap.Config.OnRetry takes it: nil when t is nil, so
// that a client without telemetry has no hook to call.
func (t *T) OnRetry() func(context.Context, soap.Retry) {
	if t == nil {
		return nil
	}
	return t.Retry
}
