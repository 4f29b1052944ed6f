package mailing

import (
	"time"

	"github.com/avsandare/mm/far"
)

// The defaults of Options and DrainOptions: what a zero field means.
const (
	DefaultPerOperator      = 32               // deliveries in flight to one operator: see Options.PerOperator
	DefaultPaperParallel    = 4                // paper letters written at once
	DefaultLookupBatch      = far.MaxPerCall   // recipients in one FaR call, also the most allowed
	DefaultLookupParallel   = 2                // FaR calls at once
	DefaultMaxBatchBytes    = 64 << 20         // message data held for one lookup batch
	DefaultBreakerThreshold = 5                // unanswered deliveries in a row that pause an operator
	DefaultBreakerCooldown  = 30 * time.Second // how long the pause lasts
	DefaultResendUnknown    = 3                // sends again, in one run, of an unanswered delivery
	DefaultResendWait       = 2 * time.Second  // the first wait before one, doubling
	DefaultProgressEvery    = time.Second      // between two calls of Options.Progress
	DefaultLease            = 2 * time.Minute  // a Drain instance's lease on a claimed message
	DefaultClaimBatch       = 50               // messages a Drain instance claims at a time
	DefaultIdle             = 200 * time.Millisecond
)

func (o *Options) defaults() {
	orDefault(&o.PerOperator, DefaultPerOperator)
	orDefault(&o.PaperParallel, DefaultPaperParallel)
	orDefault(&o.LookupParallel, DefaultLookupParallel)
	orDefault(&o.MaxBatchBytes, DefaultMaxBatchBytes)
	orDefault(&o.BreakerThreshold, DefaultBreakerThreshold)
	orDefault(&o.BreakerCooldown, DefaultBreakerCooldown)
	orDefault(&o.ResendUnknown, DefaultResendUnknown)
	orDefault(&o.ResendWait, DefaultResendWait)
	orDefault(&o.ProgressEvery, DefaultProgressEvery)
	if o.LookupBatch <= 0 || o.LookupBatch > far.MaxPerCall {
		o.LookupBatch = DefaultLookupBatch
	}
}

func (o *DrainOptions) defaults() {
	o.Options.defaults()
	orDefault(&o.Lease, DefaultLease)
	orDefault(&o.ClaimBatch, DefaultClaimBatch)
	orDefault(&o.Idle, DefaultIdle)
}

// orDefault sets *v to d when *v is not positive.
func orDefault[T int | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}
