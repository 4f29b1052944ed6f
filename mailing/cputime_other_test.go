//go:build !unix

package mailing_test

import "time"

// cpuTime is unknown here: the benchmark reports 0 cores.
func cpuTime() time.Duration { return 0 }
