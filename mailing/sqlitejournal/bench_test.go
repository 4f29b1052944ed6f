package sqlitejournal

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// BenchmarkRecord measures one Record — one state change, durable when it
// returns — for each journal from 1 and 4 goroutines. Each message is
// recorded Sending (creating the entry) then Delivered with its receipt,
// as a sender does around the operator call. ns/op is wall time per
// Record, so with 4 goroutines it shows what group commit saves.
// sqlite-normal is synchronous=NORMAL, measured only to show what the
// fsync of FULL costs.
func BenchmarkRecord(b *testing.B) {
	journals := []struct {
		name string
		open func(b *testing.B) journal.Journal
	}{
		{"memory", func(*testing.B) journal.Journal { return journal.NewMemory(journal.Config{}) }},
		{"sqlite-full", func(b *testing.B) journal.Journal { return benchSQLite(b, "FULL") }},
		{"sqlite-normal", func(b *testing.B) journal.Journal { return benchSQLite(b, "NORMAL") }},
	}
	for _, jc := range journals {
		for _, par := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", jc.name, par), func(b *testing.B) {
				j := jc.open(b)
				defer j.Close()
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				var wg sync.WaitGroup
				for g := range par {
					ops := b.N / par
					if g < b.N%par {
						ops++
					}
					wg.Go(func() {
						for i := range ops {
							if err := j.Record(ctx, benchEntry(g, i)); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/record")
				if s, ok := j.(*Journal); ok {
					b.ReportMetric(float64(s.w.grouped.Load())/float64(s.w.groups.Load()), "records/commit")
				}
			})
		}
	}
}

// benchEntry is the i-th record of goroutine g: Sending for even i,
// Delivered for odd i, of message i/2.
func benchEntry(g, i int) journal.Entry {
	id := fmt.Sprintf("00000000-0000-4000-%04d-%012d", g, i/2)
	e := journal.Entry{Mailing: "bench", MessageID: id, Recipient: "195303231855", State: journal.Sending,
		Channel: receipt.Digital, Operator: message.Operator{ID: "165599990001", Name: "Operatör A"}, Attempts: 1}
	if i%2 == 1 {
		e.State = journal.Delivered
		e.Receipt = &receipt.Receipt{MessageID: id, Sender: "162021004748", Recipient: e.Recipient, Class: 3,
			Channel: receipt.Digital, State: receipt.StateDelivered, Operator: e.Operator, TransID: "trans-4711",
			Delivered: true, SealedSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Attempts: 1}
	}
	return e
}

func benchSQLite(b *testing.B, synchronous string) journal.Journal {
	j, err := open(filepath.Join(b.TempDir(), "journal.db"), synchronous, journal.Config{})
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkRecordBatch records 100 entries per call, as a sender does with
// the answers of one FaR lookup batch; ns/op and µs/record are per entry.
func BenchmarkRecordBatch(b *testing.B) {
	const size = 100
	j := benchSQLite(b, "FULL")
	defer j.Close()
	ctx := context.Background()
	b.ReportAllocs()
	batch := make([]journal.Entry, 0, size)
	n := 0
	for b.Loop() {
		batch = append(batch, benchEntry(0, 2*n))
		n++
		if len(batch) == size {
			if err := j.Record(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/record")
}
