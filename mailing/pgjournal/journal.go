package pgjournal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Journal is a journal.Journal in a PostgreSQL database, shared by every
// sender instance that opens the same database. It is safe for concurrent
// use.
type Journal struct {
	pool *pgxpool.Pool
	// clock is the clock Config.Now gave, or nil: then every timestamp and
	// lease is read from the server's clock, so that instances whose
	// machine clocks drift apart still agree on when a lease ends.
	clock func() time.Time

	gate journal.Gate
}

var (
	_ journal.Journal        = (*Journal)(nil)
	_ journal.ActivityReader = (*Journal)(nil)
)

// Open connects to the database dsn names — a postgres:// or
// postgresql:// URL, or libpq key=value settings; pool settings such as
// pool_max_conns go in it too — and creates or migrates the journal's
// tables. cfg.Now, when set, replaces the server's clock (for tests; every
// instance sharing a journal must then use the same clock). Close the
// journal when done.
func Open(ctx context.Context, dsn string, cfg journal.Config) (*Journal, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts passwords only as best it can: leave the text out.
		return nil, errors.New("pgjournal: the journal DSN is neither a postgres:// URL nor key=value settings")
	}
	pcfg.AfterConnect = durableCommits
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("pgjournal: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Journal{pool: pool, clock: cfg.Now}, nil
}

// durableCommits makes a commit wait for its WAL to be flushed even on a
// server set to synchronous_commit = off, which would lose the last
// commits in a crash: a journal call that returned must be on disk.
// Stronger settings (remote_write, remote_apply) are left as they are.
func durableCommits(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, `SELECT set_config('synchronous_commit', 'on', false)
		WHERE current_setting('synchronous_commit') = 'off'`)
	return err
}

// Close waits for calls in progress and closes the pool.
func (j *Journal) Close() error {
	return j.gate.Close(func() error {
		j.pool.Close()
		return nil
	})
}

// dbNow is the server's clock in Unix nanoseconds. clock_timestamp, not
// now(): it is read when the statement runs, after any wait for a row
// lock, so a record made after waiting for another is stamped after it.
const dbNow = `(extract(epoch FROM clock_timestamp()) * 1000000000)::bigint`

// clockArg is the journal's clock as a query argument: NULL when the
// server's clock is the one, so that queries say COALESCE($n, dbNow).
func (j *Journal) clockArg() *int64 {
	if j.clock == nil {
		return nil
	}
	n := j.clock().UnixNano()
	return &n
}

// unixTime is a time read from the database: UTC, without a monotonic
// reading, as every journal returns times.
func unixTime(nanos int64) time.Time { return time.Unix(0, nanos).UTC() }

// errRaced: an entry a Load found present was not there when read; the
// transaction is tried again.
var errRaced = errors.New("pgjournal: entry removed concurrently")

// maxTries bounds the tries of one call that meets deadlocks,
// serialization failures or insert races.
const maxTries = 5

// retry calls try again while it loses races, maxTries times at most.
// Each try is a transaction of its own, rolled back when it fails.
func retry(try func() error) error {
	for n := 1; ; n++ {
		err := try()
		if err == nil || n == maxTries || !retryable(err) {
			return err
		}
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// serialization_failure, deadlock_detected, and unique_violation:
		// a Record's insert of an entry that another inserted meanwhile;
		// tried again, it finds the row and updates it.
		return pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "23505"
	}
	return errors.Is(err, errRaced)
}

// inTx runs fn in a transaction and commits it; a commit that returned
// is on disk (see durableCommits). fn's own errors come back as they are.
func (j *Journal) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return retry(func() error {
		var fnErr error
		err := pgx.BeginFunc(ctx, j.pool, func(tx pgx.Tx) error {
			fnErr = fn(tx)
			return fnErr
		})
		if err != nil && fnErr == nil {
			return dbError(err) // begin or commit
		}
		return err
	})
}
