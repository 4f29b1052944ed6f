package journal

import (
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// What follows is shared by the journals that keep entries in SQL tables
// (SQLite here, PostgreSQL in mailing/pgjournal): the stored form of an
// entry, Load's batching and List's paging.

// StoredEntry is an entry as SQL journals store it: plain columns, times
// as Unix nanoseconds (0 for the zero time) — Go's resolution, so that an
// entry comes back exactly as it went in — and the receipt as JSON with the
// recipient's full number, which a resumed mailing and a later proof need.
type StoredEntry struct {
	Mailing, MessageID, Recipient, State, Channel string
	OperatorID, OperatorName, PaperReason, Error  string
	Attempts                                      int
	Receipt                                       []byte // nil: none
	LeaseWorker                                   string
	LeaseUntil, Created, Updated                  int64
	Payload                                       []byte
}

// StoredColumns names the columns of a StoredEntry, the payload left out,
// in the order ScanStored reads them.
const StoredColumns = `mailing, message_id, recipient, state, channel, operator_id, operator_name,
	paper_reason, error, attempts, receipt, lease_worker, lease_until, created, updated`

// ScanStored reads an entry with scan — a row's Scan — from the columns
// "seq, " + StoredColumns, and the payload after them when payload is
// true. It returns the seq and the entry.
func ScanStored(scan func(dest ...any) error, payload bool) (int64, Entry, error) {
	var seq int64
	var s StoredEntry
	if err := scan(append([]any{&seq}, s.fields(payload)...)...); err != nil {
		return 0, Entry{}, err
	}
	e, err := s.Entry()
	return seq, e, err
}

// fields returns pointers to s's fields in StoredColumns' order, and to
// the payload after them when payload is true.
func (s *StoredEntry) fields(payload bool) []any {
	f := []any{&s.Mailing, &s.MessageID, &s.Recipient, &s.State, &s.Channel, &s.OperatorID, &s.OperatorName,
		&s.PaperReason, &s.Error, &s.Attempts, &s.Receipt, &s.LeaseWorker, &s.LeaseUntil, &s.Created, &s.Updated}
	if payload {
		f = append(f, &s.Payload)
	}
	return f
}

// Store returns the stored form of e.
func Store(e *Entry) (StoredEntry, error) {
	s := StoredEntry{Mailing: e.Mailing, MessageID: e.MessageID, Recipient: string(e.Recipient), State: string(e.State),
		Channel: string(e.Channel), OperatorID: string(e.Operator.ID), OperatorName: e.Operator.Name,
		PaperReason: string(e.PaperReason), Error: e.Error, Attempts: e.Attempts, LeaseWorker: e.Lease.Worker,
		LeaseUntil: nanos(e.Lease.Until), Created: nanos(e.Created), Updated: nanos(e.Updated), Payload: e.Payload}
	if e.Receipt != nil {
		b, err := json.Marshal(e.Receipt.WithFullIDs())
		if err != nil {
			return StoredEntry{}, fmt.Errorf("journal: message %s: encode receipt: %w", e.MessageID, err)
		}
		s.Receipt = b
	}
	return s, nil
}

// Entry returns the entry s stores.
func (s *StoredEntry) Entry() (Entry, error) {
	e := Entry{Mailing: s.Mailing, MessageID: s.MessageID, Recipient: message.RecipientID(s.Recipient),
		State: State(s.State), Channel: receipt.Channel(s.Channel),
		Operator:    message.Operator{ID: message.OrgNumber(s.OperatorID), Name: s.OperatorName},
		PaperReason: message.PaperReason(s.PaperReason), Error: s.Error, Attempts: s.Attempts,
		Lease:   Lease{Worker: s.LeaseWorker, Until: fromNanos(s.LeaseUntil)},
		Created: fromNanos(s.Created), Updated: fromNanos(s.Updated)}
	if len(s.Payload) > 0 {
		e.Payload = s.Payload // every journal gives an empty payload as nil
	}
	if s.Receipt != nil {
		e.Receipt = new(receipt.Receipt)
		if err := json.Unmarshal(s.Receipt, e.Receipt); err != nil {
			return Entry{}, fmt.Errorf("journal: message %s: stored receipt: %w", s.MessageID, err)
		}
		e.Receipt.At = e.Receipt.At.UTC()
	}
	return e, nil
}

// nanos stores a time as Unix nanoseconds; the zero time is 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Rows is what ScanCounts reads: a database/sql or pgx result set.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanCounts adds up rows of (state, channel, operator ID, count) — a
// mailing's entries grouped by the three — into Counts, as the SQL
// journals answer Counts.
func ScanCounts(rows Rows) (Counts, error) {
	c := newCounts()
	for rows.Next() {
		var state, ch, op string
		var n int
		if err := rows.Scan(&state, &ch, &op, &n); err != nil {
			return Counts{}, err
		}
		c.add(State(state), receipt.Channel(ch), message.OrgNumber(op), n)
	}
	if err := rows.Err(); err != nil {
		return Counts{}, err
	}
	return c, nil
}

// LoadBatches reads items in batches of up to size and hands each to
// write — one transaction each, durable before the next is read — adding
// up what they did. It stops at the first error of the source or of a
// write, whose batch counts for nothing: a load cut short is completed by
// loading again.
func LoadBatches(items iter.Seq2[Item, error], size int, write func(batch []Item) (LoadStats, error)) (LoadStats, error) {
	var st LoadStats
	batch := make([]Item, 0, size)
	flush := func() error {
		bst, err := write(batch)
		if err == nil {
			st.Added += bst.Added
			st.Present += bst.Present
		}
		batch = batch[:0]
		return err
	}
	for it, err := range items {
		if err != nil {
			return st, err
		}
		if batch = append(batch, it); len(batch) == size {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if len(batch) > 0 {
		return st, flush()
	}
	return st, nil
}

// ListPages yields the entries of a listing read in pages of size: page
// returns the entries after the key after, and the key of the last one. A
// page shorter than size is the last.
func ListPages(size int, page func(after int64) (entries []Entry, last int64, err error)) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for after := int64(0); ; {
			entries, last, err := page(after)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, e := range entries {
				if !yield(e, nil) {
					return
				}
			}
			if len(entries) < size {
				return
			}
			after = last
		}
	}
}
