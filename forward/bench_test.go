package forward_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/sign"
)

// benchSizes are raw attachment sizes; "1.5MiB" is 1.5 MiB less 4 KiB, the
// largest round size that fits the 2 MB limit once base64-encoded.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"1.5MiB", 3<<19 - 4<<10}}

// BenchmarkDeliver signs, seals and delivers to an in-process fake
// operator, which verifies both signatures and stores the message: the
// whole path of one message, messages/s as 1e9/ns_op. The parts are
// measured alone in BenchmarkParts for the split.
func BenchmarkDeliver(b *testing.B) {
	infra := fakeinfra.Start(b)
	if err := infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")); err != nil {
		b.Fatal(err)
	}
	c := newClient(b, infra)
	op := operator(b, infra, "kivra")
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			data := bytes.Repeat([]byte("%PDF"), size.n/4+1)[:size.n]
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				d := delivery(infra, alice)
				d.Messages[0].Attachments[0].Data = data
				if _, err := c.Deliver(context.Background(), op, d, infra.SenderSigner()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkParts measures the pieces of BenchmarkDeliver on their own:
// signing, sealing, writing the prefixed request, and the verification
// that package sign does at the operator.
func BenchmarkParts(b *testing.B) {
	infra := fakeinfra.Start(b)
	s := infra.SenderSigner()
	for _, size := range benchSizes {
		data := bytes.Repeat([]byte("%PDF"), size.n/4+1)[:size.n]
		d := delivery(infra, alice)
		d.Messages[0].Attachments[0].Data = data
		signed, err := s.SignDelivery(d)
		if err != nil {
			b.Fatal(err)
		}
		sealed, err := s.Seal(signed, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		req, err := sign.DeliverSecureRequest(sealed)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("sign/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SignDelivery(d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("seal/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Seal(signed, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("wire/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := sign.DeliverSecureRequest(sealed); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("verify/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := sign.Verify(req, sign.VerifyOptions{Roots: infra.Roots()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
