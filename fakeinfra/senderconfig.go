package fakeinfra

import (
	"time"

	"github.com/avsandare/mm"
)

// SenderConfig returns a ready configuration for mm.New that sends as the
// fake's default sender through the fake: its FaR endpoints, its CA as the
// roots to trust, the sender's certificate for signing, sealing and TLS,
// and short retry waits so that tests of failures run quickly. Add a paper
// hook, a logger and the rest as the test needs.
//
//	sender, err := mm.New(infra.SenderConfig())
func (i *Infra) SenderConfig() mm.Config {
	return mm.Config{
		Sender:       i.sender,
		Signer:       i.SenderSigner(),
		FaR:          i.FaR(),
		Roots:        i.Roots(),
		RetryWaitMin: 10 * time.Millisecond,
		RetryWaitMax: 100 * time.Millisecond,
	}
}
