package journal

import "context"

type unhurriedKey struct{}

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
