package sqlitejournal

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing/journal"
)

// waitGathering waits until the writer holds unhurried requests back.
func waitGathering(t *testing.T, j *Journal) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); j.w.gathering.Load() == 0; {
		require.True(t, time.Now().Before(deadline), "the unhurried call never reached the writer")
		time.Sleep(time.Millisecond)
	}
}

// An unhurried Record waits for a Record in a hurry and shares its commit;
// both are on disk when they return.
func TestSQLiteUnhurriedSharesACommit(t *testing.T) {
	t.Parallel()
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	j.w.unhurriedWait = time.Hour // only the hurried call can end the wait
	ctx := context.Background()
	groups, grouped := j.w.groups.Load(), j.w.grouped.Load()

	lazy := make(chan error, 1)
	go func() { lazy <- j.Record(journal.Unhurried(ctx), crashEntry(1, journal.Queued, 0)) }()
	waitGathering(t, j)
	select {
	case err := <-lazy:
		t.Fatalf("the unhurried call returned before any commit: %v", err)
	default:
	}
	require.NoError(t, j.Record(ctx, crashEntry(2, journal.Queued, 0)))
	require.NoError(t, <-lazy)
	assert.Equal(t, groups+1, j.w.groups.Load(), "one commit for both")
	assert.Equal(t, grouped+2, j.w.grouped.Load())
	for i := 1; i <= 2; i++ {
		e, err := j.Get(ctx, crashMailing, crashID(i))
		require.NoError(t, err, "message %d", i)
		assert.Equal(t, journal.Queued, e.State)
	}
}

// An unhurried Record with no other call beside it is committed alone once
// its wait is over, and the file has it when opened again.
func TestSQLiteUnhurriedAloneIsCommitted(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, journal.Config{})
	require.NoError(t, err)
	require.NoError(t, j.Record(journal.Unhurried(context.Background()), crashEntry(3, journal.Queued, 0)))
	require.NoError(t, j.Close())

	j, err = Open(path, journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	e, err := j.Get(context.Background(), crashMailing, crashID(3))
	require.NoError(t, err)
	assert.Equal(t, journal.Queued, e.State)
}

func TestUnhurriedContext(t *testing.T) {
	t.Parallel()
	assert.False(t, journal.IsUnhurried(context.Background()))
	assert.True(t, journal.IsUnhurried(journal.Unhurried(context.Background())))
}
