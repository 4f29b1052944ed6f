package sqlitejournal

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
)

// A row another connection changed is read again, not taken from the
// writer's cache: the second journal on the file fails a message the first
// has cached as sending, and the first may then not record it delivered.
func TestSQLiteCacheSeesOtherWriters(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal.db")
	a, err := Open(path, journal.Config{})
	require.NoError(t, err)
	defer a.Close()
	b, err := Open(path, journal.Config{})
	require.NoError(t, err)
	defer b.Close()
	ctx := t.Context()
	op := message.Operator{ID: "5566778899", Name: "Kivra"}
	e := journal.Entry{Mailing: "m", MessageID: "id-1", Recipient: "195303231855", State: journal.LookedUp, Channel: "digital", Operator: op}
	require.NoError(t, a.Record(ctx, e))
	e.State, e.Attempts = journal.Sending, 1
	require.NoError(t, a.Record(ctx, e))
	got, ok := a.w.st.cache.get("m", "id-1")
	require.True(t, ok, "the sending row is cached")
	assert.Equal(t, journal.Sending, got.State)

	failed := e
	failed.State, failed.Error = journal.Failed, "message invalid: Subject: required"
	require.NoError(t, b.Record(ctx, failed))

	delivered := e
	delivered.State = journal.Delivered
	err = a.Record(ctx, delivered)
	require.ErrorIs(t, err, journal.ErrTransition, "failed may not become delivered")
	cur, err := a.Get(ctx, "m", "id-1")
	require.NoError(t, err)
	assert.Equal(t, journal.Failed, cur.State)
}

// A row read from the cache is the row the file holds: the cached entry
// equals what Get reads, so a check against either gives the same answer.
func TestSQLiteCacheMatchesTheFile(t *testing.T) {
	t.Parallel()
	j, err := Open(filepath.Join(t.TempDir(), "journal.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	ctx := t.Context()
	e := journal.Entry{Mailing: "m", MessageID: "id-2", Recipient: "198101052382", State: journal.LookedUp, Channel: "digital",
		Operator: message.Operator{ID: "5566778899", Name: "Kivra"}, Lease: journal.Lease{Worker: "w"}}
	require.NoError(t, j.Record(ctx, e))
	cached, ok := j.w.st.cache.get("m", "id-2")
	require.True(t, ok)
	stored, err := j.Get(ctx, "m", "id-2")
	require.NoError(t, err)
	assert.Equal(t, stored, cached.Entry)

	e.State, e.Error = journal.Failed, "no mailbox"
	require.NoError(t, j.Record(ctx, e))
	_, ok = j.w.st.cache.get("m", "id-2")
	assert.False(t, ok, "a terminal row is not kept")
}

// A cache that adds and deletes rows all along, holding few at a time, is
// made again now and then, so that its map's table stays the size of what
// it holds: the count of deletions starts over, and the rows are kept.
func TestRowCacheIsMadeAgainAfterChurn(t *testing.T) {
	c := newRowCache()
	entry := func(i int, s journal.State) *journal.Entry {
		return &journal.Entry{Mailing: "churn", MessageID: fmt.Sprint(i), Recipient: "195303231855", State: s}
	}
	c.put(1, entry(-1, journal.Sending)) // one row that stays
	c.committed()
	for i := range maxCached + 1 {
		c.put(int64(i+2), entry(i, journal.Sending))
		c.committed()
		c.put(int64(i+2), entry(i, journal.Delivered))
		c.committed()
	}
	assert.Equal(t, 0, c.deleted, "made again after %d deletions", maxCached+1)
	assert.Len(t, c.rows, 1)
	r, ok := c.get("churn", "-1")
	assert.True(t, ok, "the row that stayed is still cached")
	assert.Equal(t, int64(1), r.seq)
}
