package sqlitejournal

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/avsandare/mm/mailing/journal"
)

// Get implements Journal.
func (j *Journal) Get(ctx context.Context, mailing, messageID string) (journal.Entry, error) {
	if err := journal.CheckKey(mailing, messageID); err != nil {
		return journal.Entry{}, err
	}
	release, err := j.gate.Enter()
	if err != nil {
		return journal.Entry{}, err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return journal.Entry{}, err
	}
	// A read of one row by its key takes microseconds. Given a context
	// that can be cancelled, database/sql and the driver would each start
	// a goroutine to watch it, for every Get: a mailing asks once per
	// message, and under a busy CPU those goroutines piled up by the
	// hundred before they ran (measured: 1,100 waiting at once).
	r, ok, err := findRow(context.WithoutCancel(ctx), j.read, mailing, messageID)
	if err != nil {
		return journal.Entry{}, err
	}
	if !ok {
		return journal.Entry{}, fmt.Errorf("%w: message %s in mailing %q", journal.ErrNotFound, messageID, mailing)
	}
	return r.Entry, nil
}

// Record implements Journal. Entries of one call are one transaction.
//
// Every entry is read and checked before the first is written, so a
// refused entry leaves nothing to undo, and the writer needs no savepoint
// for the call (see writer.doPlain): two statements fewer per Record.
func (j *Journal) Record(ctx context.Context, entries ...journal.Entry) error {
	release, err := j.gate.Enter()
	if err != nil {
		return err
	}
	defer release()
	return j.w.doPlain(ctx, func(ctx context.Context, st *sqliteStmts) error {
		now := j.cfg.Stamp()
		type pending struct {
			seq    int64
			entry  journal.Entry
			stored journal.StoredEntry
		}
		// The entries of this call by key, in first-seen order; a key
		// recorded twice is written once, in its last state.
		var order []*pending
		staged := map[[2]string]*pending{}
		for _, e := range entries {
			if err := journal.CheckKey(e.Mailing, e.MessageID); err != nil {
				return err
			}
			key := [2]string{e.Mailing, e.MessageID}
			p, ok := staged[key]
			var prev *journal.Entry
			if ok {
				prev = &p.entry
			} else {
				r, found := st.cache.get(e.Mailing, e.MessageID)
				if !found {
					var err error
					if r, found, err = findRow(ctx, st, e.Mailing, e.MessageID); err != nil {
						return writeError{err}
					}
				}
				p = &pending{}
				if found {
					p.seq, p.entry = r.seq, r.Entry
					prev = &p.entry
				}
			}
			n, err := journal.CheckRecord(prev, e, now)
			if err != nil {
				return err
			}
			s, err := journal.Store(&n)
			if err != nil {
				return err
			}
			p.entry, p.stored = n, s
			if !ok {
				staged[key] = p
				order = append(order, p)
			}
		}
		for _, p := range order {
			seq, err := execRow(ctx, st, p.seq, &p.stored)
			if err != nil {
				return writeError{err}
			}
			p.seq = seq
		}
		// Staged only now that every row is written: a refused call
		// leaves the cache as it found it.
		for _, p := range order {
			st.cache.put(p.seq, &p.entry)
		}
		return nil
	})
}

// loadBatch is how many items Load writes per transaction: large enough
// that the fsync is shared, small enough to keep a batch's memory small.
const loadBatch = 256

// Load implements Journal.
func (j *Journal) Load(ctx context.Context, mailing string, items iter.Seq2[journal.Item, error]) (journal.LoadStats, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return journal.LoadStats{}, err
	}
	defer release()
	return journal.LoadBatches(items, loadBatch, func(batch []journal.Item) (journal.LoadStats, error) {
		var bst journal.LoadStats
		err := j.w.do(ctx, func(ctx context.Context, stmts *sqliteStmts) error {
			bst = journal.LoadStats{}
			now := j.cfg.Stamp()
			for _, it := range batch {
				if err := journal.CheckKey(mailing, it.MessageID); err != nil {
					return err
				}
				old, found, err := findRow(ctx, stmts, mailing, it.MessageID)
				if err != nil {
					return err
				}
				if found {
					if err := journal.CheckLoaded(&old.Entry, it); err != nil {
						return err
					}
					bst.Present++
					continue
				}
				e, err := journal.CheckRecord(nil, journal.Entry{Mailing: mailing, MessageID: it.MessageID, Recipient: it.Recipient, State: journal.Queued, Payload: it.Payload}, now)
				if err != nil {
					return err
				}
				if _, err := writeRow(ctx, stmts, 0, &e); err != nil {
					return err
				}
				bst.Added++
			}
			return nil
		})
		return bst, err
	})
}

// Claim implements Journal.
func (j *Journal) Claim(ctx context.Context, mailing, worker string, n int, lease time.Duration) ([]journal.Entry, error) {
	if err := journal.CheckClaim(mailing, worker, n, lease); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	release, err := j.gate.Enter()
	if err != nil {
		return nil, err
	}
	defer release()
	var out []journal.Entry
	err = j.w.do(ctx, func(ctx context.Context, st *sqliteStmts) error {
		out = out[:0]
		now := j.cfg.Stamp()
		rows, err := st.claimable.QueryContext(ctx, mailing, now.UnixNano(), n)
		if err != nil {
			return fmt.Errorf("sqlitejournal: claim: %w", err)
		}
		var seqs []int64
		for rows.Next() {
			r, err := scanEntry(rows, true)
			if err != nil {
				_ = rows.Close()
				return fmt.Errorf("sqlitejournal: claim: %w", err)
			}
			r.Lease = journal.Lease{Worker: worker, Until: now.Add(lease)}
			st.cache.forget(mailing, r.MessageID)
			seqs = append(seqs, r.seq)
			out = append(out, r.Entry)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("sqlitejournal: claim: %w", err)
		}
		for i, seq := range seqs {
			if _, err := st.lease.ExecContext(ctx, worker, out[i].Lease.Until.UnixNano(), seq); err != nil {
				return fmt.Errorf("sqlitejournal: claim: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Counts implements Journal.
func (j *Journal) Counts(ctx context.Context, mailing string) (journal.Counts, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return journal.Counts{}, err
	}
	defer release()
	rows, err := j.read.counts.QueryContext(ctx, mailing)
	if err != nil {
		return journal.Counts{}, fmt.Errorf("sqlitejournal: count: %w", err)
	}
	defer rows.Close()
	c, err := journal.ScanCounts(rows)
	if err != nil {
		return journal.Counts{}, fmt.Errorf("sqlitejournal: count: %w", err)
	}
	return c, nil
}

// List implements Journal. Each page is its own short read, so a long
// listing never holds a snapshot that keeps the WAL from being
// checkpointed.
func (j *Journal) List(ctx context.Context, mailing string, f journal.Filter) iter.Seq2[journal.Entry, error] {
	query, args := listQuery(mailing, f)
	return journal.ListPages(pageSize, func(after int64) ([]journal.Entry, int64, error) {
		page, err := j.listPage(ctx, query, append(args[:len(args):len(args)], after))
		if err != nil || len(page) == 0 {
			return nil, 0, err
		}
		entries := make([]journal.Entry, len(page))
		for i := range page {
			entries[i] = page[i].Entry
		}
		return entries, page[len(page)-1].seq, nil
	})
}

// listQuery builds the page query for f; its last argument, added per
// page, is the seq to continue after.
func listQuery(mailing string, f journal.Filter) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + entryColumns + ` FROM entries WHERE mailing = ?`)
	args := []any{mailing}
	if len(f.States) > 0 {
		b.WriteString(` AND state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`)
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.Channel != "" {
		b.WriteString(` AND channel = ?`)
		args = append(args, string(f.Channel))
	}
	if f.Operator != "" {
		b.WriteString(` AND operator_id = ?`)
		args = append(args, string(f.Operator))
	}
	fmt.Fprintf(&b, ` AND seq > ? ORDER BY seq LIMIT %d`, pageSize)
	return b.String(), args
}

func (j *Journal) listPage(ctx context.Context, query string, args []any) ([]row, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := j.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlitejournal: list: %w", err)
	}
	defer rows.Close()
	var page []row
	for rows.Next() {
		r, err := scanEntry(rows, false)
		if err != nil {
			return nil, fmt.Errorf("sqlitejournal: list: %w", err)
		}
		page = append(page, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitejournal: list: %w", err)
	}
	return page, nil
}
