package mailing_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// A mailing in streaming mode: validate the whole source first, then for
// each message skip what a previous run finished and record before and
// after each step. The sending itself is the root package's; here it is
// a comment.
func Example() {
	ctx := context.Background()
	jsonl := `{"to":"530323-1855","subject":"Beslut","text":"Hej!","support":{"text":"Ring 08-123 45 67"}}
{"to":"198101052382","subject":"Beslut","text":"Hej!","support":{"text":"Ring 08-123 45 67"}}
`
	src, err := mailing.NewSource(mailing.SourceConfig{
		Mailing: "beslut-2026-11",
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(jsonl)), nil },
	})
	if err != nil {
		panic(err)
	}
	n, err := src.Validate(ctx)
	if err != nil {
		fmt.Println(err) // every problem, by line
		return
	}
	j := journal.NewMemory(journal.Config{}) // sqlitejournal.Open(path, journal.Config{}) to survive a crash
	defer j.Close()
	op := message.Operator{ID: "165599990001", Name: "Operatör A"}
	for m, err := range src.Messages(ctx) {
		if err != nil {
			panic(err)
		}
		if e, err := j.Get(ctx, src.Mailing(), m.ID); err == nil && e.State.Resume() == journal.ResumeSkip {
			continue // done in an earlier run
		}
		e := journal.Entry{Mailing: src.Mailing(), MessageID: m.ID, Recipient: m.Recipient,
			State: journal.LookedUp, Channel: receipt.Digital, Operator: op}
		_ = j.Record(ctx, e) // after the FaR lookup
		e.State, e.Attempts = journal.Sending, 1
		_ = j.Record(ctx, e) // before the request leaves
		// ... deliverSecure ...
		e.State = journal.Delivered
		_ = j.Record(ctx, e) // after the answer
	}
	c, _ := j.Counts(ctx, src.Mailing())
	fmt.Println(n, "messages:", c.State, "done:", c.Done())
	// Output: 2 messages: map[delivered:2] done: true
}
