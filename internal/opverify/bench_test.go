package opverify_test

import (
	"bytes"
	"testing"

	"github.com/avsandare/mm/internal/opverify"
	"github.com/avsandare/mm/internal/wireform"
)

// BenchmarkVerify checks a request carrying a 1.5 MiB attachment (less
// 4 KiB, to fit the 2 MB limit once base64), as the fake operators do on
// every delivery.
func BenchmarkVerify(b *testing.B) {
	p := testPKI(b)
	m := testMessage()
	m.Attachments[0].Data = bytes.Repeat([]byte("%PDF"), (3<<19-4<<10)/4)
	req := request(b, wireform.Readable(), p.good, p.good, unsigned(b, p, m), nil)
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		if err := opverify.Verify(req); err != nil {
			b.Fatal(err)
		}
	}
}
