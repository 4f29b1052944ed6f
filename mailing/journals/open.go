// Package journals opens a mailing journal by its address, as a command
// line or a configuration file gives it: a PostgreSQL URL for a journal
// that sender instances on several machines share (mailing/pgjournal), or
// a file path for a SQLite journal on one machine (sqlitejournal.OpenSQLite).
//
//	j, err := journals.Open(ctx, "postgres://mm@db.example/mailings")
//	j, err := journals.Open(ctx, "arsbesked.journal")
//
// It is a package of its own because pgjournal imports mailing: mailing
// cannot choose between them without an import cycle.
package journals

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
)

// IsPostgres reports whether addr is a PostgreSQL URL (postgres:// or
// postgresql://, in any case).
func IsPostgres(addr string) bool {
	scheme, _, ok := strings.Cut(addr, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// isURL tells a URL from a file path.
func isURL(addr string) bool { return strings.Contains(addr, "://") }

// Open opens the journal at addr: a PostgreSQL URL opens (and creates or
// migrates) a pgjournal; any other URL is refused; anything else is the
// path of a SQLite file, created when missing. cfg goes to the journal.
// Close it when done.
func Open(ctx context.Context, addr string, cfg journal.Config) (journal.Journal, error) {
	switch {
	case addr == "":
		return nil, errors.New("journals: the journal address is empty")
	case IsPostgres(addr):
		return pgjournal.Open(ctx, addr, cfg)
	case isURL(addr):
		// Name the scheme only: the rest may hold a password.
		scheme, _, _ := strings.Cut(addr, "://")
		return nil, fmt.Errorf("journals: journal URL scheme %q is not postgres:// or postgresql://; a SQLite journal is a file path", scheme)
	}
	return sqlitejournal.Open(addr, cfg)
}

// OpenExisting is Open for tools that only read a journal: a SQLite file
// must be there already, so that a mistyped path is an error rather than
// a new, empty journal.
func OpenExisting(ctx context.Context, addr string, cfg journal.Config) (journal.Journal, error) {
	if addr != "" && !isURL(addr) {
		if _, err := os.Stat(addr); err != nil {
			return nil, fmt.Errorf("journals: %w", err)
		}
	}
	return Open(ctx, addr, cfg)
}
