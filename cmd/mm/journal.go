package main

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

// isPostgres reports whether addr is a PostgreSQL URL (postgres:// or
// postgresql://, in any case).
func isPostgres(addr string) bool {
	scheme, _, ok := strings.Cut(addr, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// isURL tells a URL from a file path.
func isURL(addr string) bool { return strings.Contains(addr, "://") }

// journalAddressError is a --journal that names no journal mm can open:
// the command line's mistake.
type journalAddressError string

func (e journalAddressError) Error() string { return string(e) }

// journalOpenStatus is the exit status for a journal that could not be
// opened: the command line's mistake (a file that is not there, a scheme
// that is no journal's), or the surroundings' (a database down).
func journalOpenStatus(err error) int {
	if _, ok := errors.AsType[journalAddressError](err); ok || errors.Is(err, os.ErrNotExist) {
		return exitUsage
	}
	return exitTrouble
}

// openJournalAt opens the journal a --journal flag names: a PostgreSQL URL
// opens (and creates or migrates) a pgjournal, which sender instances on
// several machines share; any other URL is refused; anything else is the
// path of a SQLite file on this machine, created when missing. Close it
// when done.
func openJournalAt(ctx context.Context, addr string) (journal.Journal, error) {
	switch {
	case addr == "":
		return nil, errors.New("the journal address is empty")
	case isPostgres(addr):
		return pgjournal.Open(ctx, addr, journal.Config{})
	case isURL(addr):
		// Name the scheme only: the rest may hold a password.
		scheme, _, _ := strings.Cut(addr, "://")
		return nil, journalAddressError(fmt.Sprintf("journal URL scheme %q is not postgres:// or postgresql://; a SQLite journal is a file path", scheme))
	}
	return sqlitejournal.Open(addr, journal.Config{})
}

// openExistingJournal is openJournalAt for commands that only read a
// journal: a SQLite file must be there already, so that a mistyped path is
// an error rather than a new, empty journal.
func openExistingJournal(ctx context.Context, addr string) (journal.Journal, error) {
	if addr != "" && !isURL(addr) {
		if _, err := os.Stat(addr); err != nil {
			return nil, fmt.Errorf("%w", err)
		}
	}
	return openJournalAt(ctx, addr)
}
