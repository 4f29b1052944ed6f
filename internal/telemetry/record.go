package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// The settled states (mm.state): a mailing journal's final words, which
// Send's outcomes map onto.
const (
	StateDelivered         = "delivered"
	StateDeclinedThenPaper = "declined-then-paper"
	StatePaper             = "paper"
	StateFailed            = "failed"
	StateUnknown           = "unknown"
)

// Outcome is where a message ended, for mm.messages.settled.
type Outcome struct {
	Channel string // a receipt.Channel: digital, notification, paper, none
	State   string // one of the State constants
	Class   int
	// Operator is the name of the operator a digital attempt went to;
	// empty when none was made.
	Operator string
}

func (o Outcome) attrs() []attribute.KeyValue {
	kv := append(make([]attribute.KeyValue, 0, 4), KeyChannel.String(o.Channel), KeyState.String(o.State), KeyClass.Int(o.Class))
	if o.Operator != "" {
		kv = append(kv, KeyOperator.String(Text(o.Operator)))
	}
	return kv
}

// Settled counts a message that reached a final state, and describes it
// on span (the message's own span, when there is one).
func (t *T) Settled(ctx context.Context, span Span, o Outcome) {
	if t == nil {
		return
	}
	kv := o.attrs()
	t.settled.Add(ctx, 1, metric.WithAttributes(kv...))
	if span.On() {
		span.Set(kv...)
	}
}

// PaperHandoff counts a message handed to paper mail for reason.
func (t *T) PaperHandoff(ctx context.Context, reason string, class int) {
	if t == nil {
		return
	}
	t.paper.Add(ctx, 1, metric.WithAttributes(KeyPaperReason.String(reason), KeyClass.Int(class)))
}

// Now reads the clock New was given; the zero time when t is nil.
func (t *T) Now() time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.now()
}

// JournalWrite records how long a journal's Record took since start;
// errType is empty when it succeeded.
func (t *T) JournalWrite(ctx context.Context, start time.Time, errType string) {
	if t == nil {
		return
	}
	if errType == "" {
		t.journal.Record(ctx, t.since(start))
		return
	}
	t.journal.Record(ctx, t.since(start), metric.WithAttributes(KeyErrorType.String(errType)))
}

// Progress records a mailing's messages done and remaining; a negative
// remaining (the total is not known) is not recorded.
func (t *T) Progress(ctx context.Context, mailing string, done, remaining int) {
	if t == nil {
		return
	}
	name := KeyMailing.String(Text(mailing))
	t.progress.Record(ctx, int64(done), metric.WithAttributes(name, KeyProgress.String(ProgressDone)))
	if remaining >= 0 {
		t.progress.Record(ctx, int64(remaining), metric.WithAttributes(name, KeyProgress.String(ProgressRemaining)))
	}
}
