package fakeinfra_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
)

// benchSizes are raw attachment sizes, as in sign's benchmarks. "1.5MiB" is
// 1.5 MiB less 4 KiB, the largest round size whose SecureMessage fits the
// 2 MB limit once the attachment is base64-encoded.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"1.5MiB", 3<<19 - 4<<10}}

func benchMessage(n int) *message.Message {
	m := testMessage(alice)
	m.Attachments[0].Data = bytes.Repeat([]byte("%PDF"), n/4+1)[:n]
	return m
}

// BenchmarkDeliver measures one fake operator receiving sealed deliveries
// over mutual TLS: reading the request, verifying the seal and the sender's
// signature, checking the rules, storing, and answering.
//
//   - sign+deliver: each message is new (a new ID), signed and sealed in
//     the loop: what a sender and the fake together spend.
//   - deliver: the same, with signing and sealing done while the timer is
//     stopped: the operator's share and the HTTP round trip.
//   - repeat: one request sent again and again. The operator verifies it in
//     full and answers from its record without storing: the path of a
//     retried delivery, which costs the same but for the store.
//
// Stored messages are cleared as the loop goes, so that memory stays flat.
func BenchmarkDeliver(b *testing.B) {
	infra := fakeinfra.Start(b)
	if err := infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")); err != nil {
		b.Fatal(err)
	}
	c := infra.HTTPClient()
	url := infra.OperatorURL("kivra")
	deliver := func(b *testing.B, req []byte) {
		if status, body := post(b, c, url, req); status != http.StatusOK {
			b.Fatalf("status %d: %s", status, body)
		}
		infra.ClearDeliveries()
	}
	for _, size := range benchSizes {
		seal := func(b *testing.B) []byte {
			return sealedRequest(b, infra, infra.SenderSigner(), infra.Sender(), benchMessage(size.n))
		}
		b.Run(size.name+"/sign+deliver", func(b *testing.B) {
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				deliver(b, seal(b))
			}
		})
		b.Run(size.name+"/deliver", func(b *testing.B) {
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				req := seal(b)
				b.StartTimer()
				deliver(b, req)
			}
		})
		b.Run(size.name+"/repeat", func(b *testing.B) {
			req := seal(b)
			deliver(b, req)
			before := infra.Duplicates()
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				deliver(b, req)
				n++
			}
			if got := infra.Duplicates() - before; got != n {
				b.Fatalf("%d repeats recognised, want %d", got, n)
			}
		})
	}
}

// BenchmarkStart measures starting and closing a fake once the process has
// its keys and CA: what each test after the first pays. The first start in
// a process also generates RSA keys for the CA, the servers and the
// sender, and is measured apart (see the package's report).
func BenchmarkStart(b *testing.B) {
	first, err := fakeinfra.New()
	if err != nil {
		b.Fatal(err)
	}
	first.Close()
	b.ReportAllocs()
	for b.Loop() {
		i, err := fakeinfra.New()
		if err != nil {
			b.Fatal(err)
		}
		i.Close()
	}
}
