package sqlitejournal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/avsandare/mm/mailing/journal"
	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo, so the SDK cross-compiles
)

// Journal is a journal.Journal in one SQLite file, written through
// modernc.org/sqlite (pure Go).
//
// Durability: the file is in WAL mode with synchronous=FULL, so a Record,
// Load or Claim that returns has its transaction in the WAL and the WAL
// fsynced: it survives kill -9 and a power cut alike. (synchronous=NORMAL
// would skip that fsync and survive kill -9 but may lose the last
// transactions to a power cut, which the journal's promise — recorded
// before the request leaves — cannot allow.) Concurrent writes from one
// process are grouped into one transaction, each under its own savepoint,
// so that many goroutines share an fsync and one caller's refused entry
// does not undo another's; every caller still returns only after the group
// is on disk. Several processes may share the file: writes take the write
// lock at BEGIN (BEGIN IMMEDIATE) and wait up to busyTimeoutMS for it.
//
// The schema is versioned with PRAGMA user_version and created on first
// open; a file written by a newer schema is refused.
type Journal struct {
	cfg  journal.Config
	db   *sql.DB // readers; the writer holds one connection of its own
	w    *writer
	read *sqliteStmts

	gate journal.Gate
}

var _ journal.Journal = (*Journal)(nil)

// busyTimeoutMS is how long a write waits for another process's write lock.
const busyTimeoutMS = 10000

// schemaVersion is the user_version this code writes and reads.
const schemaVersion = 1

// openStates is the SQL list of states that are not terminal; the partial
// index and Claim spell it identically, which SQLite needs to use the index.
const openStates = `('queued', 'looked-up', 'sending', 'unknown')`

var schema = []string{
	`CREATE TABLE entries (
		seq           INTEGER PRIMARY KEY,
		mailing       TEXT    NOT NULL,
		message_id    TEXT    NOT NULL,
		recipient     TEXT    NOT NULL,
		state         TEXT    NOT NULL,
		channel       TEXT    NOT NULL,
		operator_id   TEXT    NOT NULL,
		operator_name TEXT    NOT NULL,
		paper_reason  TEXT    NOT NULL,
		error         TEXT    NOT NULL,
		attempts      INTEGER NOT NULL,
		receipt       TEXT,
		payload       BLOB,
		lease_worker  TEXT    NOT NULL,
		lease_until   INTEGER NOT NULL,
		created       INTEGER NOT NULL,
		updated       INTEGER NOT NULL,
		UNIQUE (mailing, message_id)
	) STRICT`,
	`CREATE INDEX entries_open ON entries (mailing, seq) WHERE state IN ` + openStates,
	fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
}

// Open opens the journal in the file at path, creating it and its schema
// when missing; cfg.Now is its clock. The file holds personal data (see
// journal.Entry): a new journal is created 0600, its -wal and -shm files
// alike, and an existing one keeps its permissions; give it a place fit
// for that. Close it when done.
func Open(path string, cfg journal.Config) (*Journal, error) {
	return open(path, "FULL", cfg)
}

// open takes the synchronous mode so that the benchmark can measure
// what FULL costs against NORMAL.
func open(path, synchronous string, cfg journal.Config) (*Journal, error) {
	if path == "" {
		return nil, errors.New("sqlitejournal: journal path is empty")
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", synchronous)
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitejournal: open journal: %w", err)
	}
	// A few readers beside the writer's own connection.
	db.SetMaxOpenConns(5)
	db.SetMaxIdleConns(5)
	j := &Journal{cfg: cfg, db: db}
	if err := j.init(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return j, nil
}

func (j *Journal) init() error {
	ctx := context.Background()
	if err := migrate(ctx, j.db); err != nil {
		return err
	}
	conn, err := j.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlitejournal: open journal: %w", err)
	}
	wstmts, err := prepare(ctx, conn)
	if err != nil {
		_ = conn.Close()
		return err
	}
	rstmts, err := prepare(ctx, j.db)
	if err != nil {
		wstmts.close()
		_ = conn.Close()
		return err
	}
	w, err := startWriter(ctx, conn, wstmts)
	if err != nil {
		rstmts.close()
		_ = conn.Close()
		return err
	}
	j.read, j.w = rstmts, w
	return nil
}

// migrate creates the schema in one transaction, or checks the version of
// the one present. Two processes opening a new file at once are serialised
// by BEGIN IMMEDIATE; the second finds the version set.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitejournal: open journal: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("sqlitejournal: read journal schema version: %w", err)
	}
	switch {
	case v == schemaVersion:
		return nil
	case v > schemaVersion:
		return fmt.Errorf("sqlitejournal: journal schema version %d is newer than this SDK reads (%d)", v, schemaVersion)
	case v != 0:
		return fmt.Errorf("sqlitejournal: journal schema version %d is unknown", v)
	}
	for _, s := range schema {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("sqlitejournal: create journal schema: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitejournal: create journal schema: %w", err)
	}
	return nil
}

// pageSize is how many entries List reads per query, so that a long
// listing does not hold up recording.
const pageSize = 500

// Close waits for calls in progress, stops the writer and closes the file.
func (j *Journal) Close() error {
	return j.gate.Close(func() error {
		errW := j.w.stop()
		j.read.close()
		return errors.Join(errW, j.db.Close())
	})
}
