package pgjournal

import (
	"context"
	"iter"
	"time"

	"github.com/avsandare/mm/mailing/journal"
)

const countEntries = `SELECT state, channel, operator_id, count(*) FROM ` + entriesTable + `
	WHERE mailing = $1 GROUP BY 1, 2, 3`

// Counts implements journal.Journal.
func (j *Journal) Counts(ctx context.Context, mailingName string) (journal.Counts, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return journal.Counts{}, err
	}
	defer release()
	rows, err := j.pool.Query(ctx, countEntries, mailingName)
	if err != nil {
		return journal.Counts{}, dbError(err)
	}
	defer rows.Close()
	c, err := journal.ScanCounts(rows)
	if err != nil {
		return journal.Counts{}, dbError(err)
	}
	return c, nil
}

// listPage is how many entries one page of List reads.
const listPage = 500

// listEntries reads one page of a listing: the entries after seq $2 that
// match the filter ($3 states, empty for any; $4 channel and $5 operator,
// empty for any), $6 of them at most. Keyset paging on the primary key (mailing, seq): every
// page is a short query of its own, whatever the mailing's size.
const listEntries = `SELECT ` + entryColumns + ` FROM ` + entriesTable + `
	WHERE mailing = $1 AND seq > $2
		AND (cardinality($3::text[]) = 0 OR state = ANY($3))
		AND ($4 = '' OR channel = $4)
		AND ($5 = '' OR operator_id = $5)
	ORDER BY seq LIMIT $6`

// List implements journal.Journal.
func (j *Journal) List(ctx context.Context, mailingName string, f journal.Filter) iter.Seq2[journal.Entry, error] {
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	return journal.ListPages(listPage, func(after int64) ([]journal.Entry, int64, error) {
		return j.listPage(ctx, mailingName, after, states, f)
	})
}

// listPage reads the page after seq after: its entries, and the seq of
// the last.
func (j *Journal) listPage(ctx context.Context, mailingName string, after int64, states []string, f journal.Filter) ([]journal.Entry, int64, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return nil, 0, err
	}
	defer release()
	rows, err := j.pool.Query(ctx, listEntries, mailingName, after, states, string(f.Channel), string(f.Operator), listPage)
	if err != nil {
		return nil, 0, dbError(err)
	}
	page, err := collect(rows, false)
	if err != nil {
		return nil, 0, dbError(err)
	}
	if len(page) == 0 {
		return nil, 0, nil
	}
	return entries(page), page[len(page)-1].seq, nil
}

// activityNow reads the time Activity is for, and counts the entries
// settled in the window before it.
const activityNow = `WITH c AS (SELECT coalesce($2::bigint, ` + dbNow + `) AS now)
	SELECT c.now, (SELECT count(*) FROM ` + entriesTable + `
		WHERE mailing = $1 AND state NOT IN ` + openStates + ` AND updated >= c.now - $3)
	FROM c`

// activityWorkers sums up the live leases at $2. Leased entries are open
// ones, so the partial index serves it.
const activityWorkers = `SELECT lease_worker, count(*), max(lease_until) FROM ` + entriesTable + `
	WHERE mailing = $1 AND state IN ` + openStates + ` AND lease_worker <> '' AND lease_until > $2
	GROUP BY lease_worker ORDER BY lease_worker COLLATE "C"`

// Activity implements journal.ActivityReader, on the clock the leases
// run on: the server's, or the one Config.Now gave.
func (j *Journal) Activity(ctx context.Context, mailingName string, window time.Duration) (journal.Activity, error) {
	release, err := j.gate.Enter()
	if err != nil {
		return journal.Activity{}, err
	}
	defer release()
	a := journal.Activity{Window: window}
	var now int64
	if err := j.pool.QueryRow(ctx, activityNow, mailingName, j.clockArg(), window.Nanoseconds()).Scan(&now, &a.Settled); err != nil {
		return journal.Activity{}, dbError(err)
	}
	a.At = unixTime(now)
	rows, err := j.pool.Query(ctx, activityWorkers, mailingName, now)
	if err != nil {
		return journal.Activity{}, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var w journal.WorkerLeases
		var until int64
		if err := rows.Scan(&w.Worker, &w.Entries, &until); err != nil {
			return journal.Activity{}, dbError(err)
		}
		w.Until = unixTime(until)
		a.Workers = append(a.Workers, w)
	}
	if err := rows.Err(); err != nil {
		return journal.Activity{}, dbError(err)
	}
	return a, nil
}
