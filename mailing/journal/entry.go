package journal

import (
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// Entry is what a journal knows of one message of a mailing.
//
// An entry holds personal data: Recipient is the full identity number,
// because a resumed mailing must be able to send again, and Payload (when
// the mailing was loaded) is the message itself. Keep a journal where the
// messages themselves may be kept, and remove it when the mailing's records
// are no longer needed. Error must hold no personal data.
type Entry struct {
	// Mailing names the mailing; with MessageID it is the entry's key.
	Mailing string
	// MessageID is the message's ID, its idempotency key at the operator.
	MessageID string
	// Recipient is the full identity number. It never changes once
	// recorded.
	Recipient message.RecipientID
	State     State
	// Channel is the way chosen (LookedUp) or being tried (Sending,
	// Unknown) or taken (the terminal states).
	Channel receipt.Channel
	// Operator is the mailbox operator chosen by the lookup; a resend goes
	// to the same one, since it deduplicates only what it received itself.
	Operator message.Operator
	// PaperReason is why the message goes by paper.
	PaperReason message.PaperReason
	// Error says what went wrong, for Failed and Unknown. Record cleans it
	// (safetext.Clean): no whole personal identity number, no control
	// character; the message ID identifies the message.
	Error string
	// Attempts is how many requests were started; it never decreases.
	Attempts int
	// Receipt is the outcome's receipt, when there is one. Journals keep
	// it whole, with the recipient's full number.
	Receipt *receipt.Receipt
	// Payload is the message's source as given to Load (for a JSONL source
	// the line), so that any process can rebuild the message. Record never
	// changes it; List leaves it out.
	Payload []byte
	// Lease is the claim of a worker in queue mode; zero otherwise.
	Lease Lease
	// Created and Updated are set by the journal's clock.
	Created, Updated time.Time
}

// Lease is a worker's claim on an entry: until Until, no other worker may
// claim it or record it. A worker renews its lease by recording the entry
// with a later Until, and releases it early with a zero Until (or an Until
// that is the earliest time the entry may be tried again, after an Unknown).
// Terminal states release it.
type Lease struct {
	Worker string
	Until  time.Time
}

// Live reports whether the lease holds at now.
func (l Lease) Live(now time.Time) bool { return l.Worker != "" && now.Before(l.Until) }

// Filter selects entries for List. Zero fields select everything.
type Filter struct {
	// States, when not empty, keeps entries in one of these states.
	States []State
	// Channel, when set, keeps entries on this channel.
	Channel receipt.Channel
	// Operator, when set, keeps entries for this operator.
	Operator message.OrgNumber
}

func (f Filter) match(e *Entry) bool {
	if len(f.States) > 0 {
		found := false
		for _, s := range f.States {
			found = found || s == e.State
		}
		if !found {
			return false
		}
	}
	return (f.Channel == "" || f.Channel == e.Channel) &&
		(f.Operator == "" || f.Operator == e.Operator.ID)
}

// Counts is how many entries a mailing has, in total and per state,
// channel and operator. Entries without a channel or operator are not in
// those maps.
type Counts struct {
	Total    int
	State    map[State]int
	Channel  map[receipt.Channel]int
	Operator map[message.OrgNumber]int
}

func newCounts() Counts {
	return Counts{State: map[State]int{}, Channel: map[receipt.Channel]int{}, Operator: map[message.OrgNumber]int{}}
}

func (c *Counts) add(s State, ch receipt.Channel, op message.OrgNumber, n int) {
	c.Total += n
	c.State[s] += n
	if ch != "" {
		c.Channel[ch] += n
	}
	if op != "" {
		c.Operator[op] += n
	}
}

// Done reports whether every entry is in a terminal state.
func (c Counts) Done() bool {
	open := 0
	for s, n := range c.State {
		if !s.Terminal() {
			open += n
		}
	}
	return open == 0
}

// Item is one message to Load into a journal.
type Item struct {
	MessageID string
	Recipient message.RecipientID
	// Payload is opaque to the journal: the source a worker rebuilds the
	// message from (see Source.Decode).
	Payload []byte
}

// LoadStats tells what Load did.
type LoadStats struct {
	// Added is how many entries were new; Present how many were there
	// already with the same recipient and payload.
	Added, Present int
}
