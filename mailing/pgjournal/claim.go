package pgjournal

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/avsandare/mm/mailing/journal"
)

// claimEntries leases up to $3 open entries of mailing $1 to worker $2
// for $4 nanoseconds, in one statement (so one transaction, durable when
// it returns). The first open entries whose lease has ended are taken in
// seq order; FOR UPDATE SKIP LOCKED passes over rows another claim or a
// Record holds at this moment, so concurrent claims never wait for each
// other and never take the same row. The lease runs on the server's
// clock unless $5 gives the journal's.
const claimEntries = `WITH c AS MATERIALIZED (SELECT coalesce($5::bigint, ` + dbNow + `) AS now),
	picked AS (
		SELECT e.seq AS picked_seq FROM ` + entriesTable + ` e, c
		WHERE e.mailing = $1 AND e.state IN ` + openStates + ` AND e.lease_until <= c.now
		ORDER BY e.seq
		LIMIT $3
		FOR UPDATE OF e SKIP LOCKED)
	UPDATE ` + entriesTable + ` SET lease_worker = $2, lease_until = c.now + $4
	FROM picked, c
	WHERE mailing = $1 AND seq = picked_seq
	RETURNING ` + withPayload

// Claim implements journal.Journal.
func (j *Journal) Claim(ctx context.Context, mailingName, worker string, n int, lease time.Duration) ([]journal.Entry, error) {
	if err := journal.CheckClaim(mailingName, worker, n, lease); err != nil {
		return nil, err
	}
	release, err := j.gate.Enter()
	if err != nil {
		return nil, err
	}
	defer release()
	if n == 0 {
		return nil, nil
	}
	rows, err := j.pool.Query(ctx, claimEntries, mailingName, worker, n, lease.Nanoseconds(), j.clockArg())
	if err != nil {
		return nil, dbError(err)
	}
	claimed, err := collect(rows, true)
	if err != nil {
		return nil, dbError(err)
	}
	// RETURNING has no order of its own.
	slices.SortFunc(claimed, func(a, b row) int { return cmp.Compare(a.seq, b.seq) })
	return entries(claimed), nil
}
