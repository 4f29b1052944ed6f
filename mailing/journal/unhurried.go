package journal

import (
	"context"
	"time"
)

type unhurriedKey struct{}

type patienceKey struct{}

// Unhurried returns a context that tells a journal the caller of Record is
// in no hurry: the journal may hold the write back for a moment so that it
// shares a commit with writes that are in a hurry, instead of paying for a
// commit (an fsync) of its own. Record still returns only once the write
// is durable; only when it returns may change. A mailing records the final
// state of a sent message this way, since nothing waits on it but the
// message's own end.
//
// Journals that group nothing ignore it.
func Unhurried(ctx context.Context) context.Context {
	return context.WithValue(ctx, unhurriedKey{}, true)
}

// IsUnhurried reports whether ctx was made by Unhurried.
func IsUnhurried(ctx context.Context) bool {
	v, _ := ctx.Value(unhurriedKey{}).(bool)
	return v
}

// Patient returns a context that tells a journal the caller of Record will
// not need the write for a while yet: the journal may hold it back up to d
// so that it shares a commit with other writes. Record still returns only
// once the write is durable. A mailing records a message's sending state
// this way while it signs and seals the message in parallel: it needs the
// record only before the request leaves, and the writes of many messages
// then share one fsync. d of zero or less is no patience at all.
//
// Journals that group nothing ignore it.
func Patient(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, patienceKey{}, d)
}

// PatienceOf is how long ctx, made by Patient, lets the journal hold a
// write back; zero when ctx was not made by Patient.
func PatienceOf(ctx context.Context) time.Duration {
	d, _ := ctx.Value(patienceKey{}).(time.Duration)
	return max(d, 0)
}
