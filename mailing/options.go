package mailing

import (
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// Options shape a large mailing sent with Send or Drain. Zero fields take
// the defaults the Default constants name.
type Options struct {
	// Name identifies the mailing in the journal; required. Starting
	// Send again with the same name and the same input resumes it.
	Name string
	// Journal records every message's state before and after each
	// external step, so that a mailing killed at any instant resumes
	// without losing or repeating anything. Nil means an in-memory journal:
	// no resume after the process ends.
	Journal journal.Journal
	// Rate is the most messages per second sent overall, paper included;
	// 0 means no limit. The infrastructure asks for sustainable load:
	// announce large mailings and agree on a rate (see mailing.Plan).
	Rate float64
	// OperatorRate is the most messages per second to any one operator;
	// 0 means no limit.
	OperatorRate float64
	// PerOperator is how many deliveries may be in flight to one operator
	// (default 32). A lane delivers at most PerOperator per round trip:
	// the default does 640 messages/s to one operator 50 ms away and 160/s
	// to one 200 ms away, which with four operators is more than signing
	// with RSA keys lets one process of two cores send (about 650–750/s),
	// so a mailing that changes nothing is held by its CPU or its agreed
	// rate, not by waiting on the network (BenchmarkMailingLatency). The
	// old default, 4, capped a mailing at 16 per round trip: 80/s at
	// 200 ms. To size it for an operator's agreed rate, take that rate
	// times the round trip (Little's law) and add a margin for slow
	// answers: 50 messages/s at 200 ms needs 10 in flight, so 16. Set
	// OperatorRate to the agreed rate as well; it, not PerOperator,
	// holds the pace, and PerOperator only has to be large enough not to
	// fall below it. Each delivery in flight holds one connection and one
	// message's data; ahead of them a lane holds one signed message per
	// CPU and four more (waiting for their sending record to be committed
	// or for a slot), and queues twice PerOperator.
	PerOperator int
	// PaperParallel is how many paper letters may be written at once
	// (default 4).
	PaperParallel int
	// LookupBatch is how many recipients go in one FaR call (default and
	// maximum 1000); LookupParallel how many calls run at once (default 2).
	LookupBatch    int
	LookupParallel int
	// MaxBatchBytes bounds the message data held for one lookup batch, so
	// that memory stays flat with large attachments (default 64 MiB).
	MaxBatchBytes int
	// BreakerThreshold is how many deliveries in a row to an operator may
	// end without an answer (technical failures, after the transport's own
	// retries) before Send pauses that operator for BreakerCooldown
	// while the others go on (defaults 5 and 30 s).
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// ResendUnknown is how often in one run a delivery that may or may not
	// have arrived is sent again with the same message ID (default 3), with
	// waits starting at ResendWait (default 2 s) and doubling. What is
	// still unknown after that stays unknown in the journal for the next
	// run.
	ResendUnknown int
	ResendWait    time.Duration
	// Progress, when set, is called every ProgressEvery (default 1 s) and
	// once at the end. It must not block long.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// Total, when known, is how many messages the input holds, for the
	// estimate of the end.
	Total int
}

// Progress is a snapshot of a running mailing.
type Progress struct {
	// Seen is how many messages were read from the input so far.
	Seen int
	// Done is how many reached a final state in this run; Skipped how many
	// were final already from an earlier run.
	Done, Skipped int
	// InFlight is how many are being looked up or sent.
	InFlight int
	// ByState counts this run's final states (and unknown); ByChannel the
	// channels that carried them; ByReason the paper reasons.
	ByState   map[journal.State]int
	ByChannel map[receipt.Channel]int
	ByReason  map[message.PaperReason]int
	// Paused lists operators whose breaker is open.
	Paused []string
	// TakenOver counts messages another instance took over (Drain): this
	// one's lease had expired.
	TakenOver int
	// Elapsed is the run's time so far, Rate its messages per second,
	// ETA the estimated time left (zero without Options.Total).
	Elapsed time.Duration
	Rate    float64
	ETA     time.Duration
}

// Report is what a finished Send or Drain run did.
type Report struct {
	Progress
	// Failed and Unknown are the messages that need attention: failed ones
	// did not land and will not as they stand; unknown ones may have
	// landed and are sent again, with the same ID, by the next run.
	Failed, Unknown int
	Started, Ended  time.Time
}
