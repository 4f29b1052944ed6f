package mm_test

import (
	"slices"

	"github.com/avsandare/mm/internal/telemetry"
	"go.opentelemetry.io/otel/attribute"
)

func under(p string, s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = p + v
	}
	return out
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

// idOf is the mm.message.id among kv.
func idOf(kv []attribute.KeyValue) string {
	for _, a := range kv {
		if a.Key == telemetry.KeyMessageID {
			return a.Value.AsString()
		}
	}
	return ""
}
