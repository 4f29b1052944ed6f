package pgjournal_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/receipt"
)

// claimBatch is how many entries a benchmark worker claims at a time.
const claimBatch = 50

// BenchmarkDrain measures the journal alone as a queue-mode mailing uses
// it, on the server's clock: 1, 2 or 4 workers, each with a pool of its
// own as separate instances have, claim batches of claimBatch and take
// each entry through Sending to Delivered (with its receipt) — with a
// Record per entry and state ("each"), or one Record per batch and state
// ("batched"). An op is one entry from claimed to delivered: entries/s is
// the throughput, updates/s the claims and records behind it (each entry
// is claimed, recorded Sending and recorded Delivered).
//
//	MM_TEST_POSTGRES=postgres://… go test -run '^$' -bench Drain ./mailing/pgjournal/
func BenchmarkDrain(b *testing.B) {
	for _, batched := range []bool{false, true} {
		for _, workers := range []int{1, 2, 4} {
			name := fmt.Sprintf("each/workers=%d", workers)
			if batched {
				name = fmt.Sprintf("batched/workers=%d", workers)
			}
			b.Run(name, func(b *testing.B) { benchDrain(b, workers, batched) })
		}
	}
}

func benchDrain(b *testing.B, workers int, batched bool) {
	dsn := conformance.Postgres(b)
	js := make([]*pgjournal.Journal, workers)
	for i := range js {
		j, err := pgjournal.Open(b.Context(), dsn, journal.Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer j.Close()
		js[i] = j
	}
	if _, err := js[0].Load(b.Context(), testMailing, testItems(b.N)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w, j := range js {
		worker := fmt.Sprintf("bench-%d", w)
		wg.Go(func() {
			for {
				got, err := j.Claim(b.Context(), testMailing, worker, claimBatch, time.Minute)
				if err != nil || len(got) == 0 {
					if err != nil {
						b.Error(err)
					}
					return
				}
				if err := benchRecord(b, j, got, batched); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	perSec := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "entries/s")
	b.ReportMetric(3*perSec, "updates/s")
}

// benchRecord takes claimed entries through Sending to Delivered.
func benchRecord(b *testing.B, j journal.Journal, claimed []journal.Entry, batched bool) error {
	sending := make([]journal.Entry, len(claimed))
	delivered := make([]journal.Entry, len(claimed))
	for i, e := range claimed {
		e.State, e.Channel, e.Operator, e.Attempts = journal.Sending, receipt.Digital, testOp, 1
		sending[i] = e
		e.State = journal.Delivered
		e.Receipt = &receipt.Receipt{MessageID: e.MessageID, Sender: "162021004748", Recipient: e.Recipient, Class: 3,
			Channel: receipt.Digital, State: receipt.StateDelivered, Operator: testOp, TransID: "trans-4711", Delivered: true,
			SealedSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", At: time.Now(), Attempts: 1}
		delivered[i] = e
	}
	if batched {
		if err := j.Record(b.Context(), sending...); err != nil {
			return err
		}
		return j.Record(b.Context(), delivered...)
	}
	for i := range claimed {
		if err := j.Record(b.Context(), sending[i]); err != nil {
			return err
		}
		if err := j.Record(b.Context(), delivered[i]); err != nil {
			return err
		}
	}
	return nil
}
