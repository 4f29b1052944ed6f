package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span is a span this SDK started, or nothing: its zero value, which
// Start returns without a tracer, ignores every call. Build attributes
// only when On says the span records, so that telemetry off costs nothing.
type Span struct{ s trace.Span }

// Start starts a span named name, a child of ctx's span, and returns the
// context that carries it. Without a tracer ctx comes back as it is, with
// a Span that does nothing: the caller's own span is never touched.
func (t *T) Start(ctx context.Context, name string, kind trace.SpanKind) (context.Context, Span) {
	if t == nil || t.tracer == nil {
		return ctx, Span{}
	}
	ctx, s := t.tracer.Start(ctx, name, trace.WithSpanKind(kind))
	return ctx, Span{s}
}

// On reports whether the span records: attributes are worth building.
func (s Span) On() bool { return s.s != nil && s.s.IsRecording() }

// Set sets attributes.
func (s Span) Set(kv ...attribute.KeyValue) {
	if s.s != nil {
		s.s.SetAttributes(kv...)
	}
}

// Event adds an event.
func (s Span) Event(name string, kv ...attribute.KeyValue) {
	if s.s != nil {
		s.s.AddEvent(name, trace.WithAttributes(kv...))
	}
}

// Fail marks the span failed. desc is the SDK's own words, never an
// error's text, which may quote a server or a person.
func (s Span) Fail(desc string) {
	if s.s != nil {
		s.s.SetStatus(codes.Error, desc)
	}
}

// End ends the span.
func (s Span) End() {
	if s.s != nil {
		s.s.End()
	}
}

// EndErr ends a span of a local step (validate, sign, seal, verify):
// failed with desc when err is not nil.
func (s Span) EndErr(err error, desc string) {
	if s.s == nil {
		return
	}
	if err != nil {
		s.Fail(desc)
	}
	s.s.End()
}

// StartMessage starts a span about one message: name, kind, and the
// message's ID (cleaned) as mm.message.id.
func (t *T) StartMessage(ctx context.Context, name string, kind trace.SpanKind, messageID string) (context.Context, Span) {
	ctx, s := t.Start(ctx, name, kind)
	if s.On() {
		s.Set(KeyMessageID.String(Text(messageID)))
	}
	return ctx, s
}

// Into returns ctx carrying s, so that what starts under it is its child:
// for a span begun in one call and carried on in another. Without a span
// ctx comes back as it is.
func (s Span) Into(ctx context.Context) context.Context {
	if s.s == nil {
		return ctx
	}
	return trace.ContextWithSpan(ctx, s.s)
}
