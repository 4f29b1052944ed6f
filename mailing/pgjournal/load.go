package pgjournal

import (
	"context"
	"iter"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/jackc/pgx/v5"
)

// loadBatch is how many items Load writes per transaction: one statement
// and one commit for many items, while a batch's memory stays small.
const loadBatch = 500

// insertItems inserts a batch of items as queued entries, in the order
// given (so seq is the source's order), skipping those present, and
// returns the IDs it inserted. An item another transaction is inserting
// waits for that one to end.
const insertItems = `INSERT INTO ` + entriesTable + ` (mailing, message_id, recipient, state, payload, created, updated)
	SELECT $1, t.id, t.recipient, 'queued', t.payload, c.now, c.now
	FROM unnest($2::text[], $3::text[], $4::bytea[]) WITH ORDINALITY AS t (id, recipient, payload, ord),
		(SELECT coalesce($5::bigint, ` + dbNow + `) AS now) AS c
	ORDER BY t.ord
	ON CONFLICT (mailing, message_id) DO NOTHING
	RETURNING message_id`

const readItems = `SELECT ` + withPayload + ` FROM ` + entriesTable + ` WHERE mailing = $1 AND message_id = ANY($2)`

// Load implements journal.Journal.
func (j *Journal) Load(ctx context.Context, mailingName string, items iter.Seq2[journal.Item, error]) (journal.LoadStats, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return journal.LoadStats{}, err
	}
	defer release()
	return journal.LoadBatches(items, loadBatch, func(batch []journal.Item) (journal.LoadStats, error) {
		return j.loadBatch(ctx, mailingName, batch)
	})
}

// loadBatch writes one batch in one transaction: all of it, or nothing
// when an item is invalid or conflicts with the entry present.
func (j *Journal) loadBatch(ctx context.Context, mailingName string, items []journal.Item) (journal.LoadStats, error) {
	ids, recipients, payloads := make([]string, len(items)), make([]string, len(items)), make([][]byte, len(items))
	for i, it := range items {
		// The same check as a Record of a new queued entry; the time is
		// the database's to set.
		e := journal.Entry{Mailing: mailingName, MessageID: it.MessageID, Recipient: it.Recipient, State: journal.Queued}
		if _, err := journal.CheckRecord(nil, e, time.Time{}); err != nil {
			return journal.LoadStats{}, err
		}
		ids[i], recipients[i], payloads[i] = it.MessageID, string(it.Recipient), it.Payload
	}
	var st journal.LoadStats
	err := j.inTx(ctx, func(tx pgx.Tx) error {
		st = journal.LoadStats{}
		rows, err := tx.Query(ctx, insertItems, mailingName, ids, recipients, payloads, j.clockArg())
		if err != nil {
			return dbError(err)
		}
		inserted, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return dbError(err)
		}
		added := make(map[string]bool, len(inserted))
		for _, id := range inserted {
			added[id] = true
		}
		st.Added = len(inserted)
		// The rest were present — before this batch, or earlier in it —
		// and must be the same items.
		var present []journal.Item
		for _, it := range items {
			if added[it.MessageID] {
				delete(added, it.MessageID)
				continue
			}
			present = append(present, it)
		}
		if len(present) == 0 {
			return nil
		}
		return checkPresent(ctx, tx, mailingName, present, &st)
	})
	return st, err
}

// checkPresent compares items with the entries stored under their IDs.
func checkPresent(ctx context.Context, tx pgx.Tx, mailingName string, items []journal.Item, st *journal.LoadStats) error {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.MessageID
	}
	rows, err := tx.Query(ctx, readItems, mailingName, ids)
	if err != nil {
		return dbError(err)
	}
	stored, err := collect(rows, true)
	if err != nil {
		return dbError(err)
	}
	byID := make(map[string]*journal.Entry, len(stored))
	for i := range stored {
		byID[stored[i].MessageID] = &stored[i].Entry
	}
	for _, it := range items {
		old := byID[it.MessageID]
		if old == nil {
			return errRaced // not inserted, yet not there: removed meanwhile
		}
		if err := journal.CheckLoaded(old, it); err != nil {
			return err
		}
		st.Present++
	}
	return nil
}
