package message

import (
	"testing"
)

// benchSizes are raw attachment sizes. "1.5MiB" is 1.5 MiB less 4 KiB: a
// full 1.5 MiB encodes to exactly 2 MiB of base64, which with the message's
// own elements no longer fits the 2 MB limit of a SecureMessage.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"1.5MiB", 3<<19 - 4<<10}}

// BenchmarkMarshalSignedDelivery marshals (and validates) a message with one
// attachment of each size. SetBytes counts the raw attachment.
func BenchmarkMarshalSignedDelivery(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			m := validMessage()
			m.Attachments[0].Data = bigAttachment(size.n)
			d := NewDelivery(testSender(), m)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.MarshalSignedDelivery(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseSignedDelivery(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			m := validMessage()
			m.Attachments[0].Data = bigAttachment(size.n)
			doc, err := NewDelivery(testSender(), m).MarshalSignedDelivery()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseSignedDelivery(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
