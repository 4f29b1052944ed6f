package far_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/stretchr/testify/require"
)

// BenchmarkIsReachable100k looks up 100,000 recipients (100 calls of
// 1000, four at a time) against fakeinfra in this process, over loopback
// mutual TLS: client, transport and fake share the machine's cores. Most
// recipients have a mailbox (the longest answers); one in ten has none.
// recipients/s is the throughput; allocs/recipient counts the client's
// and the fake's allocations together. Run:
//
//	go test -run '^$' -bench IsReachable100k -benchtime 20x -count 5 ./far/
func BenchmarkIsReachable100k(b *testing.B) {
	const n = 100_000
	infra := fakeinfra.Start(b)
	ops := infra.Operators()
	ids := syntheticIDs(n)
	for k, id := range ids {
		opt := fakeinfra.Mailbox(ops[k%len(ops)])
		if k%10 == 9 {
			opt = fakeinfra.NoMailbox()
		}
		require.NoError(b, infra.AddRecipient(string(id), opt))
	}
	c, err := far.New(far.Config{Endpoints: infra.FaR(), HTTPClient: infra.HTTPClient()})
	require.NoError(b, err)
	ctx := context.Background()
	// Warm the connection pool, so that handshakes are not measured.
	_, err = c.IsReachable(ctx, sender, ids[:4000]...)
	require.NoError(b, err)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime(b)
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		got, err := c.IsReachable(ctx, sender, ids...)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != n || got[n-1].Recipient != ids[n-1] || !got[0].Decide().Digital {
			b.Fatalf("wrong answers: %d, last %s", len(got), got[len(got)-1].Recipient)
		}
	}
	b.StopTimer()
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "recipients/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n*b.N), "allocs/recipient")
	// CPU time, of client and fake together, says what the machine could
	// do alone: a loaded machine lowers recipients/s but not this.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/recipient")
}

// BenchmarkDecodeIsReachable reads an answer for 1000 recipients, written
// as FaR's JAX-WS stack writes them (prefixed, every field present), from
// the bytes of the envelope to the decoded answers: the client's whole
// share of the work per call, without the network.
//
//	go test -run '^$' -bench DecodeIsReachable -benchmem ./far/
func BenchmarkDecodeIsReachable(b *testing.B) {
	ids := syntheticIDs(far.MaxPerCall)
	returns := make([]string, len(ids))
	for k, id := range ids {
		returns[k] = reachReturn(account(id, "Secure", "false", kivra("https://mm.kivra.example/service/v3")+
			`<ns15:LastRegistration>2016-10-30T15:38:49.517+01:00</ns15:LastRegistration>`), "true")
	}
	body := []byte(reachResponse(returns...))
	out := make([]far.Reachability, len(ids))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := far.ReadIsReachable(body, ids, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/recipient")
}
