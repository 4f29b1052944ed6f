package journal_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// The records a sender makes around one message (mailing.Send makes them
// for every message): after the FaR lookup, before the request leaves,
// after the answer. A restart reads the entry and asks it what to do.
func ExampleMemory() {
	ctx := context.Background()
	j := journal.NewMemory(journal.Config{}) // sqlitejournal or pgjournal to outlive the process
	defer j.Close()

	e := journal.Entry{Mailing: "beslut-2026-11", MessageID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",
		Recipient: "195303231855", State: journal.LookedUp, Channel: receipt.Digital,
		Operator: message.Operator{ID: "165568402266", Name: "Kivra"}}
	if err := j.Record(ctx, e); err != nil {
		panic(err)
	}
	e.State, e.Attempts = journal.Sending, 1
	if err := j.Record(ctx, e); err != nil {
		panic(err)
	}
	// The process dies here, with the request on the wire. At the restart:
	got, _ := j.Get(ctx, "beslut-2026-11", e.MessageID)
	fmt.Println(got.State, "→", got.State.Resume(), "to", got.Operator.Name)

	// A move the state machine does not allow changes nothing: a request
	// may have landed, so the message cannot go back to the queue.
	e.State = journal.Queued
	fmt.Println(errors.Is(j.Record(ctx, e), journal.ErrTransition))
	// Output:
	// sending → resend to Kivra
	// true
}
