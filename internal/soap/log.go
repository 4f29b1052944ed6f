package soap

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/avsandare/mm/safetext"
)

// leveled adapts a *slog.Logger to retryablehttp's LeveledLogger. Every
// value passes through logValue, so that neither a body nor a whole
// personal identity number reaches the log.
type leveled struct{ l *slog.Logger }

// Error is how retryablehttp reports each failed attempt, retried or not.
// The call's outcome is returned to the caller, who decides whether it is
// an error worth logging; here it is a warning, as the other retries are.
func (a leveled) Error(msg string, kv ...any) { a.log(slog.LevelWarn, msg, kv) }
func (a leveled) Warn(msg string, kv ...any)  { a.log(slog.LevelWarn, msg, kv) }
func (a leveled) Info(msg string, kv ...any)  { a.log(slog.LevelInfo, msg, kv) }
func (a leveled) Debug(msg string, kv ...any) { a.log(slog.LevelDebug, msg, kv) }

func (a leveled) log(level slog.Level, msg string, kv []any) {
	ctx := context.Background() // retryablehttp passes none
	if !a.l.Enabled(ctx, level) {
		return
	}
	safe := make([]any, len(kv))
	for i, v := range kv {
		safe[i] = logValue(v)
	}
	a.l.Log(ctx, level, "soap: "+msg, safe...)
}

// logValue makes a value fit for the log: errors by what they are, not by
// what a server wrote in them, and strings cleaned by safetext.Clean.
func logValue(v any) any {
	switch v := v.(type) {
	case error:
		return logError(v)
	case string:
		return safetext.Clean(v)
	}
	return v
}

// logError describes an error without the text a server supplied (fault
// descriptions, body snippets), which may name a person.
func logError(err error) string {
	if f, ok := errors.AsType[*Fault](err); ok {
		return logString(f)
	}
	if re, ok := errors.AsType[*ResponseError](err); ok {
		return "http " + strconv.Itoa(re.StatusCode) + ": " + sentinelOf(re.Err)
	}
	return safetext.Clean(err.Error())
}

// sentinelOf names the kind of a ResponseError's cause.
func sentinelOf(err error) string {
	for _, s := range []error{ErrRedirect, ErrNotSOAP, ErrTooLarge, ErrStatus, ErrMalformed} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "invalid response"
}
