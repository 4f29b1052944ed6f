package safetext_test

import (
	"strings"
	"testing"

	"github.com/avsandare/mm/safetext"
)

// BenchmarkClean measures a fault description as servers write them, and
// a hostile one with numbers and control characters throughout.
func BenchmarkClean(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"clean", "Mottagaren saknar brevlåda hos operatören (call id 0a1b2c3d-4e5f-6789-abcd-ef0123456789)"},
		{"hostile", strings.Repeat("195303231855"+spoof+"\u202e", 8)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				_ = safetext.Clean(c.s)
			}
		})
	}
}
