package mailing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// entryColumns are read by every query that returns entries, in scanEntry's
// order; withPayload adds the payload.
const (
	entryColumns = `seq, mailing, message_id, recipient, state, channel, operator_id, operator_name,
		paper_reason, error, attempts, receipt, lease_worker, lease_until, created, updated`
	withPayload = entryColumns + `, payload`
)

// sqliteStmts are the statements prepared once per connection (the
// writer's) or per pool (the readers').
type sqliteStmts struct {
	get, insert, update, claimable, lease, counts *sql.Stmt
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
			return nil, fmt.Errorf("mailing: prepare journal statement: %w", err)
		}
		*q.dst = st
	}
	return &s, nil
}

func (s *sqliteStmts) close() {
	for _, st := range []*sql.Stmt{s.get, s.insert, s.update, s.claimable, s.lease, s.counts} {
		if st != nil {
			_ = st.Close()
		}
	}
}

// row is an entry with its position, as read from the table.
type row struct {
	seq int64
	Entry
}

type scanner interface{ Scan(dest ...any) error }

// scanEntry reads the columns of entryColumns, and the payload when
// payload is true.
func scanEntry(sc scanner, payload bool) (row, error) {
	var (
		r                      row
		recipient, state, ch   string
		opID                   string
		rcpt                   sql.NullString
		leaseUntil, created, u int64
	)
	dest := []any{&r.seq, &r.Mailing, &r.MessageID, &recipient, &state, &ch, &opID, &r.Operator.Name,
		&r.PaperReason, &r.Error, &r.Attempts, &rcpt, &r.Lease.Worker, &leaseUntil, &created, &u}
	if payload {
		dest = append(dest, &r.Payload)
	}
	if err := sc.Scan(dest...); err != nil {
		return row{}, err
	}
	r.Recipient = message.RecipientID(recipient)
	r.State = State(state)
	r.Channel = receipt.Channel(ch)
	r.Operator.ID = message.OrgNumber(opID)
	r.Lease.Until, r.Created, r.Updated = fromNanos(leaseUntil), fromNanos(created), fromNanos(u)
	if len(r.Payload) == 0 {
		r.Payload = nil
	}
	if rcpt.Valid {
		r.Receipt = new(receipt.Receipt)
		if err := json.Unmarshal([]byte(rcpt.String), r.Receipt); err != nil {
			return row{}, fmt.Errorf("mailing: message %s: stored receipt: %w", r.MessageID, err)
		}
		r.Receipt.At = r.Receipt.At.UTC()
	}
	return r, nil
}

// getRow reads one entry by key, with its payload; ok is false when there
// is none.
func getRow(ctx context.Context, st *sql.Stmt, mailing, id string) (r row, ok bool, err error) {
	r, err = scanEntry(st.QueryRowContext(ctx, mailing, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	if err != nil {
		return row{}, false, fmt.Errorf("mailing: read journal: %w", err)
	}
	return r, true, nil
}

// receiptColumn encodes a receipt with the full recipient number, which a
// resumed mailing and a later proof need.
func receiptColumn(r *receipt.Receipt) (any, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(r.WithFullIDs())
	if err != nil {
		return nil, fmt.Errorf("mailing: message %s: encode receipt: %w", r.MessageID, err)
	}
	return string(b), nil
}

// writeRow inserts e, or updates the row at seq when seq is not 0, and
// returns the row's seq.
func writeRow(ctx context.Context, st *sqliteStmts, seq int64, e *Entry) (int64, error) {
	rc, err := receiptColumn(e.Receipt)
	if err != nil {
		return 0, err
	}
	if seq == 0 {
		var res sql.Result
		res, err = st.insert.ExecContext(ctx, e.Mailing, e.MessageID, string(e.Recipient), string(e.State),
			string(e.Channel), string(e.Operator.ID), e.Operator.Name, e.PaperReason, e.Error, e.Attempts, rc, e.Payload,
			e.Lease.Worker, nanos(e.Lease.Until), nanos(e.Created), nanos(e.Updated))
		if err == nil {
			seq, err = res.LastInsertId()
		}
	} else {
		_, err = st.update.ExecContext(ctx, string(e.Recipient), string(e.State), string(e.Channel),
			string(e.Operator.ID), e.Operator.Name, e.PaperReason, e.Error, e.Attempts, rc,
			e.Lease.Worker, nanos(e.Lease.Until), nanos(e.Updated), seq)
	}
	if err != nil {
		return 0, fmt.Errorf("mailing: write journal: %w", err)
	}
	return seq, nil
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
