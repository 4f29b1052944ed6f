package mailing_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/message"
)

// BenchmarkSendAll sends b.N 1 KiB messages as one mailing through the
// in-process fake (lookups, signing, sealing, the operators' verification),
// with an SQLite journal and without one, to show what durability costs.
// The sender key is RSA-2048, the only kind operators check (SPEC §4).
func BenchmarkSendAll(b *testing.B) {
	for _, kind := range []string{"none", "sqlite"} {
		b.Run("key=rsa/journal="+kind, func(b *testing.B) {
			benchSendAll(b, kind)
		})
	}
}

// benchSendAll sends b.N 1 KiB messages through SendAll, with or without a
// SQLite journal.
func benchSendAll(b *testing.B, kind string) {
	infra := fakeinfra.Start(b)
	for k := range 2000 {
		if err := infra.AddRecipient(string(testPerson(k)), fakeinfra.Mailbox(infra.Operators()[k%4])); err != nil {
			b.Fatal(err)
		}
	}
	s, err := mm.New(infra.SenderConfig())
	if err != nil {
		b.Fatal(err)
	}
	var j journal.Journal = discard{}
	if kind == "sqlite" {
		sj, err := sqlitejournal.Open(filepath.Join(b.TempDir(), "j.db"), journal.Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer sj.Close()
		j = sj
	}
	text := fmt.Sprintf("%01024d", 0)
	msgs := func(yield func(*message.Message, error) bool) {
		for k := range b.N {
			m := newMessage(string(testPerson(k % 2000)))
			m.ID, m.Attachments, m.Body.Text = fmt.Sprintf("b-%s-%d", kind, k), nil, text
			if !yield(m, nil) {
				return
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	rep, err := mailing.Send(context.Background(), s, msgs, mailing.Options{Name: "bench-" + kind, Journal: j, PerOperator: 8})
	b.StopTimer()
	if err != nil || rep.ByState[journal.Delivered] != b.N {
		b.Fatalf("%v %v", err, rep.ByState)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	infra.ClearDeliveries()
}
