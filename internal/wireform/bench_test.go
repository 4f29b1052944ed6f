package wireform_test

import (
	"bytes"
	"testing"

	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
)

// BenchmarkCanonical rewrites a SignedDelivery carrying a 1.5 MiB
// attachment (less 4 KiB, to fit the 2 MB limit once base64) into the
// prefixed wire form; "copy" is the floor, the same bytes appended once.
func BenchmarkCanonical(b *testing.B) {
	m := testmsg.New(testmsg.Alice).SetDefaults()
	m.Attachments[0].Data = bytes.Repeat([]byte("%PDF"), (3<<19-4<<10)/4)
	doc, err := message.NewDelivery(message.Sender{ID: "162021004748", Name: "Kommun A"}, m).MarshalSignedDelivery()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("prefix", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			w := wireform.Readable().NewWriter(len(doc))
			if err := w.Canonical(doc, ""); err != nil {
				b.Fatal(err)
			}
			if _, err := w.Envelope(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			_ = append(make([]byte, 0, len(doc)+1024), doc...)
		}
	})
}
