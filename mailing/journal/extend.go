package journal

import (
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// What follows is for Journal implementations outside this package (such
// as mailing/pgjournal): the same checks Memory and SQLite make, so that
// every journal enforces one state machine and one set of field rules
// instead of a copy of them.

// CheckRecord checks that e may follow old — the stored entry, or nil when
// there is none — at now, and returns the entry to store: the state
// machine, the field rules, the lease (ErrLeaseLost), the recipient
// (ErrConflict), Created and Updated set from now, Payload kept from old,
// the lease cleared by a terminal state. An implementation calls it inside
// whatever makes its read and its write one atomic step.
func CheckRecord(old *Entry, e Entry, now time.Time) (Entry, error) { return next(old, e, now) }

// CheckKey checks a mailing name and message ID before a call uses them.
func CheckKey(mailing, messageID string) error { return checkKey(mailing, messageID) }

// CheckClaim checks the arguments of Journal.Claim.
func CheckClaim(mailing, worker string, n int, lease time.Duration) error {
	return checkClaim(mailing, worker, n, lease)
}

// CheckLoaded returns an error wrapping ErrConflict unless it is the item
// that was loaded as old: Load's rule for an ID already present.
func CheckLoaded(old *Entry, it Item) error { return sameItem(old, it) }

// NewCounts returns zero Counts with their maps made, as every journal
// returns them.
func NewCounts() Counts { return newCounts() }

// Add counts n entries in state s on channel ch for operator op (either
// may be empty). c must come from NewCounts.
func (c *Counts) Add(s State, ch receipt.Channel, op message.OrgNumber, n int) { c.add(s, ch, op, n) }
