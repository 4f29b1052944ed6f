package pgjournal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
)

// versions reads the version table.
func versions(t *testing.T, j *Journal) []int {
	t.Helper()
	rows, err := j.pool.Query(t.Context(), `SELECT version FROM `+versionTable+` ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func wantVersions() []int {
	var out []int
	for v := range migrations {
		out = append(out, v+1)
	}
	return out
}

// TestMigrateConcurrently starts several instances on an empty schema at
// once, as a fleet does after a deploy: one creates the tables, the others
// wait on the advisory lock and find them made; then every instance works.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	const instances = 6
	journals := make([]*Journal, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() { journals[i], errs[i] = Open(t.Context(), dsn, journal.Config{}) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "instance %d", i)
		t.Cleanup(func() { _ = journals[i].Close() })
	}
	assert.Equal(t, wantVersions(), versions(t, journals[0]), "each version applied once")

	// Every instance sees the one table.
	for i, j := range journals {
		e := journal.Entry{Mailing: "m", MessageID: fmt.Sprintf("id-%d", i), Recipient: "198101052382", State: journal.Queued}
		require.NoError(t, j.Record(t.Context(), e))
	}
	c, err := journals[0].Counts(t.Context(), "m")
	require.NoError(t, err)
	assert.Equal(t, instances, c.Total)
}

// TestMigrateAgain opens a current schema again and again: nothing is
// applied twice and the entries stay; a schema newer than the code is
// refused.
func TestMigrateAgain(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	ctx := t.Context()
	for i := range 3 {
		j, err := Open(ctx, dsn, journal.Config{})
		require.NoError(t, err, "open %d", i)
		assert.Equal(t, wantVersions(), versions(t, j), "open %d", i)
		e := journal.Entry{Mailing: "m", MessageID: fmt.Sprintf("id-%d", i), Recipient: "199001012385", State: journal.Queued}
		require.NoError(t, j.Record(ctx, e))
		c, err := j.Counts(ctx, "m")
		require.NoError(t, err)
		assert.Equal(t, i+1, c.Total, "entries survive a reopen")
		require.NoError(t, j.Close())
	}

	j, err := Open(ctx, dsn, journal.Config{})
	require.NoError(t, err)
	newer := len(migrations) + 1
	_, err = j.pool.Exec(ctx, `INSERT INTO `+versionTable+` (version) VALUES ($1)`, newer)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	_, err = Open(ctx, dsn, journal.Config{})
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("pgjournal: journal schema version %d is newer than this SDK reads (%d)", newer, len(migrations)), err.Error())
}

// TestStateLists checks the SQL spellings of the states against package
// mailing, which owns the machine.
func TestStateLists(t *testing.T) {
	t.Parallel()
	var open, all []string
	for _, s := range journal.States() {
		all = append(all, "'"+string(s)+"'")
		if !s.Terminal() {
			open = append(open, "'"+string(s)+"'")
		}
	}
	sqlList := func(l string) []string { return strings.Split(strings.Trim(l, "()"), ", ") }
	assert.ElementsMatch(t, open, sqlList(openStates))
	assert.ElementsMatch(t, all, sqlList(allStates))
	assert.True(t, slices.Contains(migrations[0], `CREATE INDEX `+entriesTable+`_open ON `+entriesTable+` (mailing, seq) WHERE state IN `+openStates),
		"Claim's predicate is the partial index's")
}

// TestOpenErrors checks what Open says about a DSN it cannot use, without
// the password.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn, want string
	}{
		{"not a DSN", "postgres://mm:sekret@127.0.0.1:notaport/db", "pgjournal: the journal DSN is neither a postgres:// URL nor key=value settings"},
		{"no server", "postgres://mm:sekret@127.0.0.1:1/db?connect_timeout=5", "pgjournal: read the journal schema version: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(context.Background(), tc.dsn, journal.Config{})
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), err.Error())
			assert.NotContains(t, err.Error(), "sekret")
		})
	}
}

// TestDurableCommits checks that a connection of a server (here: a
// session) set to synchronous_commit = off commits durably all the same,
// and that a stronger setting is kept.
func TestDurableCommits(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	for setting, want := range map[string]string{"off": "on", "remote_apply": "remote_apply", "local": "local"} {
		j, err := Open(t.Context(), conformance.WithParam(t, dsn, "synchronous_commit", setting), journal.Config{})
		require.NoError(t, err)
		var got string
		require.NoError(t, j.pool.QueryRow(t.Context(), `SHOW synchronous_commit`).Scan(&got))
		assert.Equal(t, want, got, "server set to %s", setting)
		require.NoError(t, j.Close())
	}
}
