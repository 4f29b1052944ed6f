package mailing_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
//
// journal=cost runs the two in turn, three pairs of b.N messages each, so
// that a shared machine's changing load falls on both alike, and reports
// the journal's cost: 1 − sqlite/none of the pair rates, the median pair
// (cost-%, with the lowest and highest as cost-min-% and cost-max-%), and
// the process's CPU time per message with each (cpu-µs/msg-none,
// cpu-µs/msg-sqlite), which the load of other processes moves less.
func BenchmarkSendAll(b *testing.B) {
	for _, kind := range []string{"none", "sqlite"} {
		b.Run("key=rsa/journal="+kind, func(b *testing.B) {
			rate, _ := benchSendAll(b, kind)
			b.ReportMetric(rate, "msgs/s")
		})
	}
	b.Run("key=rsa/journal=cost", func(b *testing.B) {
		var costs []float64
		var cpuNone, cpuSQLite time.Duration
		for range 3 {
			none, cn := benchSendAll(b, "none")
			sqlite, cs := benchSendAll(b, "sqlite")
			costs = append(costs, 100*(1-sqlite/none))
			cpuNone += cn
			cpuSQLite += cs
		}
		slices.Sort(costs)
		b.ReportMetric(costs[1], "cost-%")
		b.ReportMetric(costs[0], "cost-min-%")
		b.ReportMetric(costs[2], "cost-max-%")
		b.ReportMetric(float64(cpuNone.Microseconds())/float64(3*b.N), "cpu-µs/msg-none")
		b.ReportMetric(float64(cpuSQLite.Microseconds())/float64(3*b.N), "cpu-µs/msg-sqlite")
	})
}

// benchSendAll sends b.N 1 KiB messages through SendAll, with or without a
// SQLite journal, and returns the rate and the process's CPU time.
func benchSendAll(b *testing.B, kind string) (float64, time.Duration) {
	b.StopTimer()
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
	b.StartTimer()
	cpu0, wall0 := cpuTime(), time.Now()
	rep, err := mailing.Send(context.Background(), s, msgs, mailing.Options{Name: "bench-" + kind, Journal: j, PerOperator: 8})
	wall, cpu := time.Since(wall0), cpuTime()-cpu0
	b.StopTimer()
	if err != nil || rep.ByState[journal.Delivered] != b.N {
		b.Fatalf("%v %v", err, rep.ByState)
	}
	infra.ClearDeliveries()
	return float64(b.N) / wall.Seconds(), cpu
}
