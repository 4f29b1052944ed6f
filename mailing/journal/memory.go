package journal

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"
)

// Memory is a Journal held in memory: for tests, and for small mailings
// that need no resume. It is lost with the process.
type Memory struct {
	cfg Config

	mu       sync.Mutex
	closed   bool
	mailings map[string]*memMailing
}

// memMailing keeps a mailing's entries in the order they were first
// recorded, which is the order Claim and List use.
type memMailing struct {
	byID  map[string]int
	order []*Entry
}

var _ Journal = (*Memory)(nil)

// NewMemory returns an empty in-memory journal.
func NewMemory(cfg Config) *Memory {
	return &Memory{cfg: cfg, mailings: map[string]*memMailing{}}
}

func (j *Memory) lookup(mailing, id string) *Entry {
	m := j.mailings[mailing]
	if m == nil {
		return nil
	}
	if i, ok := m.byID[id]; ok {
		return m.order[i]
	}
	return nil
}

func (j *Memory) put(e Entry) {
	m := j.mailings[e.Mailing]
	if m == nil {
		m = &memMailing{byID: map[string]int{}}
		j.mailings[e.Mailing] = m
	}
	if i, ok := m.byID[e.MessageID]; ok {
		*m.order[i] = e
		return
	}
	m.byID[e.MessageID] = len(m.order)
	m.order = append(m.order, &e)
}

// Get implements Journal.
func (j *Memory) Get(_ context.Context, mailing, messageID string) (Entry, error) {
	if err := checkKey(mailing, messageID); err != nil {
		return Entry{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Entry{}, ErrClosed
	}
	e := j.lookup(mailing, messageID)
	if e == nil {
		return Entry{}, fmt.Errorf("%w: message %s in mailing %q", ErrNotFound, messageID, mailing)
	}
	return cloneEntry(e), nil
}

// Record implements Journal.
func (j *Memory) Record(ctx context.Context, entries ...Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	now := j.cfg.Stamp()
	// Check all first, against the entries as this call changes them, so
	// that a refused entry leaves the journal untouched.
	staged := map[[2]string]*Entry{}
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		key := [2]string{e.Mailing, e.MessageID}
		old := staged[key]
		if old == nil {
			old = j.lookup(e.Mailing, e.MessageID)
		}
		n, err := next(old, e, now)
		if err != nil {
			return err
		}
		out = append(out, n)
		staged[key] = &out[len(out)-1]
	}
	for _, e := range out {
		j.put(e)
	}
	return nil
}

// Load implements Journal.
func (j *Memory) Load(ctx context.Context, mailing string, items iter.Seq2[Item, error]) (LoadStats, error) {
	var st LoadStats
	for it, err := range items {
		if err != nil {
			return st, err
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		added, err := j.loadOne(mailing, it)
		if err != nil {
			return st, err
		}
		if added {
			st.Added++
		} else {
			st.Present++
		}
	}
	return st, nil
}

func (j *Memory) loadOne(mailing string, it Item) (bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return false, ErrClosed
	}
	if err := checkKey(mailing, it.MessageID); err != nil {
		return false, err
	}
	if old := j.lookup(mailing, it.MessageID); old != nil {
		return false, sameItem(old, it)
	}
	e, err := next(nil, Entry{Mailing: mailing, MessageID: it.MessageID, Recipient: it.Recipient, State: Queued, Payload: it.Payload}, j.cfg.Stamp())
	if err != nil {
		return false, err
	}
	j.put(e)
	return true, nil
}

// sameItem returns ErrConflict unless it matches what was loaded before.
func sameItem(old *Entry, it Item) error {
	if old.Recipient != it.Recipient || !slices.Equal(old.Payload, it.Payload) {
		return fmt.Errorf("%w: message %s", ErrConflict, it.MessageID)
	}
	return nil
}

// Claim implements Journal.
func (j *Memory) Claim(ctx context.Context, mailing, worker string, n int, lease time.Duration) ([]Entry, error) {
	if err := checkClaim(mailing, worker, n, lease); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	now := j.cfg.Stamp()
	var out []Entry
	if m := j.mailings[mailing]; m != nil {
		for _, e := range m.order {
			if len(out) == n {
				break
			}
			if claimable(e, now) {
				e.Lease = Lease{Worker: worker, Until: now.Add(lease)}
				out = append(out, cloneEntry(e))
			}
		}
	}
	return out, nil
}

// Counts implements Journal.
func (j *Memory) Counts(_ context.Context, mailing string) (Counts, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Counts{}, ErrClosed
	}
	c := newCounts()
	if m := j.mailings[mailing]; m != nil {
		for _, e := range m.order {
			c.add(e.State, e.Channel, e.Operator.ID, 1)
		}
	}
	return c, nil
}

// listPage is how many entries List copies per lock, so that a long
// listing does not hold up recording.
const listPage = 500

// List implements Journal.
func (j *Memory) List(ctx context.Context, mailing string, f Filter) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for pos := 0; ; {
			page, nextPos, err := j.page(mailing, f, pos)
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if nextPos == pos {
				return
			}
			pos = nextPos
		}
	}
}

// page returns the matching entries at positions from pos on, at most
// listPage of them scanned, and the position to continue from.
func (j *Memory) page(mailing string, f Filter, pos int) ([]Entry, int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, pos, ErrClosed
	}
	m := j.mailings[mailing]
	if m == nil {
		return nil, pos, nil
	}
	var out []Entry
	end := min(pos+listPage, len(m.order))
	for _, e := range m.order[pos:end] {
		if f.match(e) {
			c := cloneEntry(e)
			c.Payload = nil
			out = append(out, c)
		}
	}
	return out, end, nil
}

// Close implements Journal.
func (j *Memory) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	j.closed = true
	return nil
}
