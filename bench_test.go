package mm_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
)

var sendSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"200KiB", 200 << 10}}

func benchMessage(n int) *message.Message {
	m := newMessage(alice)
	m.Attachments[0].Data = bytes.Repeat([]byte("%PDF"), n/4+1)[:n]
	return m
}

// BenchmarkSend is Sender.Send end to end against the in-process fake: FaR
// lookup, sign, seal, deliver, and the operator's verification and
// storage, all on this machine. msgs/s is per benchmark process (both
// cores: client and fake share them).
func BenchmarkSend(b *testing.B) {
	infra := fakeinfra.Start(b)
	if err := infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")); err != nil {
		b.Fatal(err)
	}
	s, err := mm.New(infra.SenderConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range sendSizes {
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Send(context.Background(), benchMessage(size.n)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkSendParts measures Send's parts alone, to compare their sum with
// BenchmarkSend: validation, the FaR lookup, and delivery (sign, seal, post,
// the operator's verification and storage), with signing and sealing also
// alone to show the split.
func BenchmarkSendParts(b *testing.B) {
	infra := fakeinfra.Start(b)
	if err := infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")); err != nil {
		b.Fatal(err)
	}
	hc, err := mm.NewHTTPClient(infra.SenderSigner().TLSCertificate(), infra.Roots())
	if err != nil {
		b.Fatal(err)
	}
	fc, err := far.New(far.Config{Endpoints: infra.FaR(), HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	fw, err := forward.New(forward.Config{Signer: infra.SenderSigner(), HTTPClient: hc, Roots: infra.Roots(), AllowLocalNetworks: infra.LocalNetworks()})
	if err != nil {
		b.Fatal(err)
	}
	op, _ := infra.Operator("kivra")
	fop := message.Operator{ID: op.ID, Name: op.Name, ServiceAddress: op.ServiceAddress}
	signer := infra.SenderSigner()
	b.Run("lookup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fc.IsReachable(context.Background(), infra.Sender().ID, alice); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, size := range sendSizes {
		d := message.NewDelivery(infra.Sender(), benchMessage(size.n).SetDefaults())
		signed, err := signer.SignDelivery(d)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("validate/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if err := d.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("sign/"+size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := signer.SignDelivery(d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("seal/"+size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := signer.Seal(signed, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("deliver/"+size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer() // a fresh message each time: the operator stores each ID once
				d := message.NewDelivery(infra.Sender(), benchMessage(size.n).SetDefaults())
				b.StartTimer()
				if _, err := fw.Deliver(context.Background(), fop, d, signer); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
