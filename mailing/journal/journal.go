package journal

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/avsandare/mm/safetext"
)

// Journal records the state of every message of a mailing, durably, keyed
// by mailing and message ID. It serves two ways of working:
//
//   - Streaming: the sender iterates its input and, per message, calls Get
//     (to skip or resume it) and Record before and after each external
//     step.
//   - Queue: Load puts a mailing's messages in once (idempotently); workers,
//     possibly in several processes sharing the journal, Claim batches
//     under a lease and Record their progress.
//
// Every implementation is safe for concurrent use, enforces the state
// machine and the field rules on every Record (an illegal transition is an
// error wrapping ErrTransition, and changes nothing), and never hands the
// same entry to two live leases. A persistent implementation has the
// entries on stable storage when Record, Load or Claim return.
//
// Package journaltest holds the conformance suite every implementation
// passes.
type Journal interface {
	// Get returns the entry of a message, or an error wrapping ErrNotFound.
	Get(ctx context.Context, mailing, messageID string) (Entry, error)

	// Record writes entries, each keyed by its Mailing and MessageID, all
	// or none: every transition from the stored state (a missing entry
	// counts as Queued) must be allowed and every entry must satisfy the
	// field rules. The journal sets Created and Updated; Payload is kept
	// from Load. An entry whose stored lease is live and held by another
	// worker than e.Lease.Worker is refused with ErrLeaseLost. Terminal
	// states release the lease; otherwise e.Lease is stored, so recording
	// renews or releases it.
	Record(ctx context.Context, entries ...Entry) error

	// Load adds the items of a mailing as Queued entries. Loading the same
	// item again adds nothing; an item whose message ID is present with
	// another recipient or payload is an error wrapping ErrConflict. Load
	// writes in batches, each durable before the next: a load cut short is
	// completed by loading again.
	Load(ctx context.Context, mailing string, items iter.Seq2[Item, error]) (LoadStats, error)

	// Claim leases up to n entries of the mailing to worker until now +
	// lease, in the order they were first recorded: entries not in a
	// terminal state and not under a live lease (so a crashed worker's
	// entries come back once its leases expire). It returns the entries
	// with their new Lease and their Payload.
	Claim(ctx context.Context, mailing, worker string, n int, lease time.Duration) ([]Entry, error)

	// Counts counts a mailing's entries.
	Counts(ctx context.Context, mailing string) (Counts, error)

	// List yields a mailing's entries that match f, without Payload, in the
	// order they were first recorded. It reads in pages: an entry recorded
	// while the listing runs may or may not appear, and appears at most
	// once.
	List(ctx context.Context, mailing string, f Filter) iter.Seq2[Entry, error]

	// Close releases the journal. Calls after Close fail with ErrClosed.
	Close() error
}

// Errors that callers branch on.
var (
	// ErrNotFound: no entry has this mailing and message ID.
	ErrNotFound = errors.New("journal: no such entry")
	// ErrTransition: the state machine does not allow the change, or the
	// entry breaks a field rule of its state.
	ErrTransition = errors.New("journal: illegal transition")
	// ErrLeaseLost: another worker holds a live lease on the entry; the
	// caller's lease expired and the entry was taken over.
	ErrLeaseLost = errors.New("journal: lease held by another worker")
	// ErrConflict: a message ID is already recorded with another recipient
	// or payload. A message ID names one message to one recipient.
	ErrConflict = errors.New("journal: message ID already recorded with other content")
	// ErrClosed: the journal is closed.
	ErrClosed = errors.New("journal: journal closed")
)

// TransitionError tells which entry broke the state machine and how.
type TransitionError struct {
	MessageID string
	From, To  State
	// Reason is set when a field rule, not the transition, was broken.
	Reason string
}

// Error names the message, the move and the rule. The message ID and the
// reason come from the caller's entry, whatever it held: the text is
// cleaned by safetext.Clean.
func (e *TransitionError) Error() string {
	s := fmt.Sprintf("journal: message %s: %s → %s", e.MessageID, e.From, e.To)
	if e.Reason != "" {
		return safetext.Clean(s + ": " + e.Reason)
	}
	return safetext.Clean(s + " is not allowed")
}

// Unwrap makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Unwrap() error { return ErrTransition }

// Config is what every journal takes besides the place it keeps its
// entries.
type Config struct {
	// Now is the clock for timestamps and lease expiry; nil means
	// time.Now (pgjournal: the database server's clock). Tests set it to
	// expire leases without waiting.
	Now func() time.Time
}

// Stamp reads the clock (time.Now when Now is nil) as journals store a
// time: UTC, nanoseconds, no monotonic part, so that every implementation
// returns equal times.
func (c Config) Stamp() time.Time {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return now().UTC().Round(0)
}

// checkKey checks what every call needs before it touches the store.
func checkKey(mailing, messageID string) error {
	if mailing == "" {
		return errors.New("journal: mailing name is empty")
	}
	if messageID == "" {
		return errors.New("journal: message ID is empty")
	}
	return nil
}

// claimable reports whether Claim may hand e out at now.
func claimable(e *Entry, now time.Time) bool {
	return !e.State.Terminal() && !e.Lease.Live(now)
}

func checkClaim(mailing, worker string, n int, lease time.Duration) error {
	switch {
	case mailing == "":
		return errors.New("journal: mailing name is empty")
	case worker == "":
		return errors.New("journal: worker name is empty")
	case n < 0:
		return fmt.Errorf("journal: claim count %d is negative", n)
	case lease <= 0:
		return fmt.Errorf("journal: lease %s is not positive", lease)
	}
	return nil
}
