package pgjournal

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/avsandare/mm/mailing/journal"
)

// entryColumns are what every query returning entries reads, in scanEntry's
// order; withPayload adds the payload.
const (
	entryColumns = `seq, ` + journal.StoredColumns
	withPayload  = entryColumns + `, payload`
)

// row is an entry with its position, as read from the table.
type row struct {
	seq int64
	journal.Entry
}

// key names an entry.
type key struct{ mailing, messageID string }

func (r *row) key() key { return key{r.Mailing, r.MessageID} }

// scanEntry reads entryColumns, or withPayload when payload is true.
func scanEntry(sc pgx.Row, payload bool) (row, error) {
	seq, e, err := journal.ScanStored(sc.Scan, payload)
	return row{seq: seq, Entry: e}, err
}

// collect reads every row of rows.
func collect(rows pgx.Rows, payload bool) ([]row, error) {
	defer rows.Close()
	var out []row
	for rows.Next() {
		r, err := scanEntry(rows, payload)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// entries returns the entries of rows.
func entries(rows []row) []journal.Entry {
	out := make([]journal.Entry, len(rows))
	for i := range rows {
		out[i] = rows[i].Entry
	}
	return out
}

const (
	insertEntry = `INSERT INTO ` + entriesTable + ` (mailing, message_id, recipient, state, channel, operator_id,
		operator_name, paper_reason, error, attempts, receipt, payload, lease_worker, lease_until, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16)
		RETURNING seq`
	updateEntry = `UPDATE ` + entriesTable + ` SET recipient = $3, state = $4, channel = $5, operator_id = $6,
		operator_name = $7, paper_reason = $8, error = $9, attempts = $10, receipt = $11::jsonb,
		lease_worker = $12, lease_until = $13, updated = $14
		WHERE mailing = $1 AND seq = $2`
)

// queueWrite adds to b the insert (seq 0) or update of r. An insert of an
// entry that another transaction inserted meanwhile fails on the unique
// key, and the Record is tried again (see retryable).
func queueWrite(b *pgx.Batch, r *row) error {
	s, err := journal.Store(&r.Entry)
	if err != nil {
		return err
	}
	if r.seq != 0 {
		b.Queue(updateEntry, s.Mailing, r.seq, s.Recipient, s.State, s.Channel, s.OperatorID, s.OperatorName,
			s.PaperReason, s.Error, s.Attempts, s.Receipt, s.LeaseWorker, s.LeaseUntil, s.Updated)
		return nil
	}
	b.Queue(insertEntry, s.Mailing, s.MessageID, s.Recipient, s.State, s.Channel, s.OperatorID, s.OperatorName,
		s.PaperReason, s.Error, s.Attempts, s.Receipt, s.Payload, s.LeaseWorker, s.LeaseUntil, s.Created, s.Updated,
	).QueryRow(func(row pgx.Row) error { return row.Scan(&r.seq) })
	return nil
}

// batchSender is a transaction or a connection.
type batchSender interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// sendBatch sends b in one round trip and reads every result.
func sendBatch(ctx context.Context, s batchSender, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	if err := s.SendBatch(ctx, b).Close(); err != nil {
		return dbError(err)
	}
	return nil
}

// dbError gives an error of the database the package's prefix; a
// context's error and the package's own pass as they are.
func dbError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errRaced) {
		return err
	}
	return fmt.Errorf("pgjournal: %w", err)
}
