package mailing_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
)

// BenchmarkMailingLatency sends 1 KiB messages (RSA keys, no journal) to
// the in-process fake's four operators, each a network round trip away on
// the wire (fakeinfra.WithRoundTrip), at several deliveries in flight per
// operator (p; "default" leaves Options.PerOperator zero). It reports:
//
//   - msgs/s: the steady rate, deliveries per second between the 10th and
//     the 90th percentile of their completions, so that neither the first
//     lookup nor the last stragglers count;
//   - limit-ratio: msgs/s over the most the mailing could do, the lower of
//     the CPU-bound rate (cpu-msgs/s: the same mailing at rtt=0ms and the
//     same p, measured just before with calibration messages) and
//     operators × p / rtt, the rate at which p requests in flight to each
//     operator come back;
//   - cpu-cores: the CPU time the process used during the measured mailing
//     over its wall time, fake included: near runtime.NumCPU the run was
//     CPU-bound; well below, and with a low limit-ratio, the mailing left
//     CPU idle while it waited. On a shared machine compare it with the
//     load: what others use, this process cannot.
//
// Connections are opened by a warm-up mailing before the timer starts, as
// in a long mailing they are open. Run it with a fixed count so that each
// sub-benchmark runs once per -count:
//
//	go test ./mailing -run '^$' -bench MailingLatency -benchtime 400x -count 3
func BenchmarkMailingLatency(b *testing.B) {
	for _, rtt := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond} {
		for _, p := range []int{4, 32, 0} {
			b.Run(fmt.Sprintf("rtt=%dms/p=%s", rtt.Milliseconds(), pName(p)), func(b *testing.B) {
				limit := 0.0
				if rtt > 0 {
					// The CPU-bound rate just before, not once for the
					// whole run: on a shared machine the CPU left to
					// this process changes from minute to minute.
					limit = latencyRun(b, 0, p, calibration, nil)
				}
				got := latencyRun(b, rtt, p, b.N, b) // resets the timer and the metrics
				if rtt > 0 {
					b.ReportMetric(limit, "cpu-msgs/s")
				}
				if rtt == 0 {
					limit = got
				} else {
					inFlight := p
					if inFlight == 0 {
						inFlight = mailing.DefaultPerOperator
					}
					limit = min(limit, float64(4*inFlight)/rtt.Seconds())
				}
				b.ReportMetric(got, "msgs/s")
				b.ReportMetric(got/limit, "limit-ratio")
			})
		}
	}
}

// calibration is how many messages measure the CPU-bound rate.
const calibration = 400

func pName(p int) string {
	if p == 0 {
		return "default"
	}
	return fmt.Sprint(p)
}

// latencyRun sends n messages through a fake rtt away with p deliveries in
// flight per operator and returns the steady rate. With b, the timer runs
// for the measured mailing only.
func latencyRun(tb testing.TB, rtt time.Duration, p, n int, b *testing.B) float64 {
	infra := fakeinfra.Start(tb, fakeinfra.WithRoundTrip(rtt))
	const people = 2000
	for k := range people {
		if err := infra.AddRecipient(string(testPerson(k)), fakeinfra.Mailbox(infra.Operators()[k%4])); err != nil {
			tb.Fatal(err)
		}
	}
	var done atomic.Int64
	times := make([]time.Time, n)
	cfg := infra.SenderConfig()
	cfg.OnEvent = func(e mm.Event) {
		if e.Kind != mm.EventDelivered {
			return
		}
		if k := done.Add(1) - 1; k < int64(len(times)) {
			times[k] = time.Now()
		}
	}
	s, err := mm.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	text := fmt.Sprintf("%01024d", 0)
	msgs := func(prefix string, count int) func(func(*message.Message, error) bool) {
		return func(yield func(*message.Message, error) bool) {
			for k := range count {
				m := newMessage(string(testPerson(k % people)))
				m.ID, m.Attachments, m.Body.Text = fmt.Sprintf("%s-%d", prefix, k), nil, text
				if !yield(m, nil) {
					return
				}
			}
		}
	}
	send := func(name string, count int) {
		rep, err := mailing.Send(context.Background(), s, msgs(name, count), mailing.Options{Name: name, Journal: discard{}, PerOperator: p})
		if err != nil || rep.ByState[journal.Delivered] != count {
			tb.Fatalf("%s: %v %v", name, err, rep.ByState)
		}
	}
	warm := 8 * max(p, mailing.DefaultPerOperator)
	send("warm-up", warm)
	done.Store(0)
	clear(times)
	if b != nil {
		b.ReportAllocs()
		b.ResetTimer()
	}
	cpu0, wall0 := cpuTime(), time.Now()
	send("measured", n)
	if b != nil {
		b.StopTimer()
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Since(wall0)), "cpu-cores")
	}
	infra.ClearDeliveries()
	return steadyRate(times)
}

// steadyRate is the rate of the completions between the 10th and the 90th
// percentile; with fewer than ten, the whole span.
func steadyRate(times []time.Time) float64 {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	lo, hi := len(times)/10, len(times)-1-len(times)/10
	if hi <= lo {
		return 0
	}
	return float64(hi-lo) / times[hi].Sub(times[lo]).Seconds()
}
