//go:build !unix

package far_test

import (
	"testing"
	"time"
)

// cpuTime is not measured here: the benchmark reports zero CPU time.
func cpuTime(*testing.B) time.Duration { return 0 }
