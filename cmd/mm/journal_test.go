package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
)

func TestIsPostgres(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"postgres://mm@db/mailings":     true,
		"postgresql://mm@db/mailings":   true,
		"POSTGRES://mm@db/mailings":     true,
		"mysql://mm@db/mailings":        false,
		"arsbesked.journal":             false,
		"/var/lib/mm/postgres.journal":  false,
		"host=db dbname=mailings":       false,
		"postgres:/missing-a-slash/odd": false,
	} {
		assert.Equal(t, want, isPostgres(addr), addr)
	}
}

func TestOpenByAddress(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "arsbesked.journal")
	j, err := openJournalAt(t.Context(), path)
	require.NoError(t, err)
	assert.IsType(t, &sqlitejournal.Journal{}, j)
	require.NoError(t, j.Close())
	_, err = os.Stat(path)
	assert.NoError(t, err, "the SQLite file was created")

	for addr, want := range map[string]string{
		"":                             "the journal address is empty",
		"mysql://mm:sekret@db/x":       `journal URL scheme "mysql" is not postgres:// or postgresql://; a SQLite journal is a file path`,
		"postgres://mm:sekret@db:x/db": "pgjournal: the journal DSN is neither a postgres:// URL nor key=value settings",
	} {
		_, err := openJournalAt(t.Context(), addr)
		require.Error(t, err, addr)
		assert.Equal(t, want, err.Error(), addr)
	}
}

func TestOpenExisting(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "typo.journal")
	_, err := openExistingJournal(t.Context(), missing)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "not created")

	_, err = openExistingJournal(t.Context(), "mysql://mm:sekret@db/x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `scheme "mysql"`)

	path := filepath.Join(t.TempDir(), "arsbesked.journal")
	j, err := sqlitejournal.Open(path, journal.Config{})
	require.NoError(t, err)
	require.NoError(t, j.Close())
	again, err := openExistingJournal(t.Context(), path)
	require.NoError(t, err)
	assert.NoError(t, again.Close())
}

func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	require.True(t, isPostgres(dsn), "%s must be a URL here", conformance.PostgresEnv)
	j, err := openJournalAt(t.Context(), dsn)
	require.NoError(t, err)
	defer j.Close()
	assert.IsType(t, &pgjournal.Journal{}, j)
	c, err := j.Counts(t.Context(), "empty")
	require.NoError(t, err)
	assert.Equal(t, 0, c.Total)
}
