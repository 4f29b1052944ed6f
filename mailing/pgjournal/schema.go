package pgjournal

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The journal's tables, in the first schema of the connection's
// search_path (set it in the DSN to keep journals apart).
const (
	entriesTable = `mm_journal_entries`
	versionTable = `mm_journal_schema`
)

// openStates and allStates are SQL lists of the states that are not
// terminal and of every state. Claim spells openStates exactly as the
// partial index does, which PostgreSQL needs to use the index; a test
// checks both against package mailing.
const (
	openStates = `('queued', 'looked-up', 'sending', 'unknown')`
	allStates  = `('queued', 'looked-up', 'sending', 'delivered', 'declined-then-paper', 'paper', 'failed', 'unknown')`
)

// migrations are the schema's versions: migrations[i] takes a database at
// version i to version i+1. Never change one that was released; add
// another.
var migrations = [][]string{
	{
		// Times are Unix nanoseconds: Go's resolution, so that the journal
		// gives back exactly the times it was given (timestamptz keeps
		// microseconds). to_timestamp(updated / 1e9) shows one.
		`CREATE TABLE ` + entriesTable + ` (
			seq           bigint  GENERATED ALWAYS AS IDENTITY,
			mailing       text    NOT NULL,
			message_id    text    NOT NULL,
			recipient     text    NOT NULL,
			state         text    NOT NULL CHECK (state IN ` + allStates + `),
			channel       text    NOT NULL DEFAULT '',
			operator_id   text    NOT NULL DEFAULT '',
			operator_name text    NOT NULL DEFAULT '',
			paper_reason  text    NOT NULL DEFAULT '',
			error         text    NOT NULL DEFAULT '',
			attempts      integer NOT NULL DEFAULT 0,
			receipt       jsonb,
			payload       bytea,
			lease_worker  text    NOT NULL DEFAULT '',
			lease_until   bigint  NOT NULL DEFAULT 0,
			created       bigint  NOT NULL,
			updated       bigint  NOT NULL,
			PRIMARY KEY (mailing, seq),
			UNIQUE (mailing, message_id)
		)`,
		// Claim reads only the open entries of a mailing, in order: with
		// this index it skips the settled ones, however many.
		`CREATE INDEX ` + entriesTable + `_open ON ` + entriesTable + ` (mailing, seq) WHERE state IN ` + openStates,
	},
}

// migrationLock is the advisory lock key that serialises migrations of
// one database: instances starting together take turns, and the later
// ones find the work done. ("mm-jrnl" in ASCII.)
const migrationLock = 0x6d6d2d6a726e6c

// migrate brings the database's journal schema to the newest version,
// in one transaction under the advisory lock, or refuses a schema newer
// than this code.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	// The usual case, an instance starting on a current schema, takes no
	// lock and needs no right to create tables.
	v, err := schemaVersion(ctx, pool)
	if err != nil {
		return err
	}
	if v == len(migrations) {
		return nil
	}
	if v > len(migrations) {
		return newerSchema(v)
	}
	var newer error
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+versionTable+` (
			version integer     PRIMARY KEY,
			applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+versionTable).Scan(&v); err != nil {
			return err
		}
		if v > len(migrations) {
			newer = newerSchema(v)
			return newer
		}
		for ; v < len(migrations); v++ {
			for _, stmt := range migrations[v] {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("version %d: %w", v+1, err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+versionTable+` (version) VALUES ($1)`, v+1); err != nil {
				return err
			}
		}
		return nil
	})
	if newer != nil {
		return newer
	}
	if err != nil {
		return fmt.Errorf("pgjournal: migrate the journal schema: %w", err)
	}
	return nil
}

// schemaVersion reads the version without a lock: 0 when there are no
// tables yet.
func schemaVersion(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var present bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, versionTable).Scan(&present); err != nil {
		return 0, fmt.Errorf("pgjournal: read the journal schema version: %w", err)
	}
	if !present {
		return 0, nil
	}
	var v int
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+versionTable).Scan(&v); err != nil {
		return 0, fmt.Errorf("pgjournal: read the journal schema version: %w", err)
	}
	return v, nil
}

func newerSchema(v int) error {
	return fmt.Errorf("pgjournal: journal schema version %d is newer than this SDK reads (%d)", v, len(migrations))
}
