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

// A patient Record waits for a Record in a hurry and shares its commit.
func TestSQLitePatientSharesACommit(t *testing.T) {
	t.Parallel()
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	ctx := context.Background()
	groups, grouped := j.w.groups.Load(), j.w.grouped.Load()

	patient := make(chan error, 1)
	go func() { patient <- j.Record(journal.Patient(ctx, time.Hour), crashEntry(4, journal.Queued, 0)) }()
	waitGathering(t, j)
	select {
	case err := <-patient:
		t.Fatalf("the patient call returned before any commit: %v", err)
	default:
	}
	require.NoError(t, j.Record(ctx, crashEntry(5, journal.Queued, 0)))
	require.NoError(t, <-patient)
	assert.Equal(t, groups+1, j.w.groups.Load(), "one commit for both")
	assert.Equal(t, grouped+2, j.w.grouped.Load())
}

// A patient Record alone is committed once its patience runs out, not
// before, and the file has it when opened again.
func TestSQLitePatientAloneWaitsItsPatience(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, journal.Config{})
	require.NoError(t, err)
	const patience = 150 * time.Millisecond
	start := time.Now()
	require.NoError(t, j.Record(journal.Patient(context.Background(), patience), crashEntry(6, journal.Queued, 0)))
	assert.GreaterOrEqual(t, time.Since(start), patience, "committed before its patience ran out, with nothing to share the commit")
	require.NoError(t, j.Close())

	j, err = Open(path, journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	e, err := j.Get(context.Background(), crashMailing, crashID(6))
	require.NoError(t, err)
	assert.Equal(t, journal.Queued, e.State)
}

// A group waits only as long as its least patient member: an unhurried
// Record that would wait an hour is committed with a patient one when the
// patient one's patience runs out.
func TestSQLiteGroupWaitsForItsLeastPatient(t *testing.T) {
	t.Parallel()
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	j.w.unhurriedWait = time.Hour
	ctx := context.Background()
	groups := j.w.groups.Load()

	lazy := make(chan error, 1)
	go func() { lazy <- j.Record(journal.Unhurried(ctx), crashEntry(7, journal.Queued, 0)) }()
	waitGathering(t, j)
	require.NoError(t, j.Record(journal.Patient(ctx, 50*time.Millisecond), crashEntry(8, journal.Queued, 0)))
	select {
	case err := <-lazy:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the unhurried call was not committed with the patient one")
	}
	assert.Equal(t, groups+1, j.w.groups.Load(), "one commit for both")
}

func TestPatienceContext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Equal(t, time.Duration(0), journal.PatienceOf(ctx))
	assert.Equal(t, 5*time.Millisecond, journal.PatienceOf(journal.Patient(ctx, 5*time.Millisecond)))
	assert.Equal(t, time.Duration(0), journal.PatienceOf(journal.Patient(ctx, -time.Second)), "no patience below zero")
	assert.False(t, journal.IsUnhurried(journal.Patient(ctx, time.Second)), "patient is not unhurried")
}
