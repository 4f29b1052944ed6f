package sqlitejournal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/avsandare/mm/mailing/journal"
)

// entryColumns are read by every query that returns entries, in scanEntry's
// order; withPayload adds the payload.
const (
	entryColumns = `seq, ` + journal.StoredColumns
	withPayload  = entryColumns + `, payload`
)

// sqliteStmts are the statements prepared once per connection (the
// writer's) or per pool (the readers').
type sqliteStmts struct {
	get, probe, insert, update, claimable, lease, counts *sql.Stmt
	// cache is the writer's rowCache; nil on the readers' statements.
	cache *rowCache
}

type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func prepare(ctx context.Context, p preparer) (*sqliteStmts, error) {
	var s sqliteStmts
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.get, `SELECT ` + withPayload + ` FROM entries WHERE mailing = ? AND message_id = ?`},
		{&s.probe, `SELECT seq FROM entries WHERE mailing = ? AND message_id = ?`},
		{&s.insert, `INSERT INTO entries (mailing, message_id, recipient, state, channel, operator_id, operator_name,
			paper_reason, error, attempts, receipt, payload, lease_worker, lease_until, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.update, `UPDATE entries SET recipient = ?, state = ?, channel = ?, operator_id = ?, operator_name = ?,
			paper_reason = ?, error = ?, attempts = ?, receipt = ?, lease_worker = ?, lease_until = ?, updated = ?
			WHERE seq = ?`},
		{&s.claimable, `SELECT ` + withPayload + ` FROM entries
			WHERE mailing = ? AND state IN ` + openStates + ` AND lease_until <= ? ORDER BY seq LIMIT ?`},
		{&s.lease, `UPDATE entries SET lease_worker = ?, lease_until = ? WHERE seq = ?`},
		{&s.counts, `SELECT state, channel, operator_id, count(*) FROM entries WHERE mailing = ? GROUP BY 1, 2, 3`},
	} {
		st, err := p.PrepareContext(ctx, q.sql)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("sqlitejournal: prepare journal statement: %w", err)
		}
		*q.dst = st
	}
	return &s, nil
}

func (s *sqliteStmts) close() {
	for _, st := range []*sql.Stmt{s.get, s.probe, s.insert, s.update, s.claimable, s.lease, s.counts} {
		if st != nil {
			_ = st.Close()
		}
	}
}

// row is an entry with its position, as read from the table.
type row struct {
	seq int64
	journal.Entry
}

type scanner interface{ Scan(dest ...any) error }

// scanEntry reads the columns of entryColumns, and the payload when
// payload is true.
func scanEntry(sc scanner, payload bool) (row, error) {
	seq, e, err := journal.ScanStored(sc.Scan, payload)
	return row{seq: seq, Entry: e}, err
}

// getRow reads one entry by key, with its payload; ok is false when there
// is none.
func getRow(ctx context.Context, st *sql.Stmt, mailing, id string) (r row, ok bool, err error) {
	r, err = scanEntry(st.QueryRowContext(ctx, mailing, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	if err != nil {
		return row{}, false, fmt.Errorf("sqlitejournal: read journal: %w", err)
	}
	return r, true, nil
}

// findRow is getRow for a key that is usually absent, as every key of a
// new mailing is: it asks first for the seq alone, which costs a fraction
// of the whole row's read — the driver sets up every column of a query,
// rows or none — and reads the row only when there is one.
func findRow(ctx context.Context, st *sqliteStmts, mailing, id string) (row, bool, error) {
	var seq int64
	err := st.probe.QueryRowContext(ctx, mailing, id).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	if err != nil {
		return row{}, false, fmt.Errorf("sqlitejournal: read journal: %w", err)
	}
	return getRow(ctx, st.get, mailing, id)
}

// writeRow inserts e, or updates the row at seq when seq is not 0, and
// returns the row's seq.
func writeRow(ctx context.Context, st *sqliteStmts, seq int64, e *journal.Entry) (int64, error) {
	s, err := journal.Store(e)
	if err != nil {
		return 0, err
	}
	return execRow(ctx, st, seq, &s)
}

// execRow writes s, stored by Store: an insert when seq is 0, else an
// update of the row at seq. It is one statement, so a failure leaves
// nothing of it behind.
func execRow(ctx context.Context, st *sqliteStmts, seq int64, s *journal.StoredEntry) (int64, error) {
	var rc any // the table is STRICT: its TEXT column takes a string or NULL
	if s.Receipt != nil {
		rc = string(s.Receipt)
	}
	var err error
	if seq == 0 {
		var res sql.Result
		res, err = st.insert.ExecContext(ctx, s.Mailing, s.MessageID, s.Recipient, s.State, s.Channel, s.OperatorID,
			s.OperatorName, s.PaperReason, s.Error, s.Attempts, rc, s.Payload, s.LeaseWorker, s.LeaseUntil, s.Created, s.Updated)
		if err == nil {
			seq, err = res.LastInsertId()
		}
	} else {
		_, err = st.update.ExecContext(ctx, s.Recipient, s.State, s.Channel, s.OperatorID, s.OperatorName,
			s.PaperReason, s.Error, s.Attempts, rc, s.LeaseWorker, s.LeaseUntil, s.Updated, seq)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlitejournal: write journal: %w", err)
	}
	return seq, nil
}
