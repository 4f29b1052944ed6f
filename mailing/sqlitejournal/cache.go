package sqlitejournal

import (
	"maps"

	"github.com/avsandare/mm/mailing/journal"
)

// rowCache keeps, on the writer's connection, the rows Record last wrote,
// so that the next Record of the same message checks its move against the
// cached row instead of reading it again: a mailing records each message
// three or four times in a row (looked-up, sending, delivered), and the
// read was a third of Record's cost (measured).
//
// The cache is only ever as good as the file: at each transaction's BEGIN
// the writer reads PRAGMA data_version, which changes when any other
// connection — another process, or another Journal on the same file —
// has committed, and then drops the whole cache. Within a transaction the
// writer holds the write lock, so nobody else can change a row under it.
// What a group writes goes to staged first and reaches the cache only once
// the group is committed; a group that fails drops the cache with its
// staged rows.
//
// It holds only rows that are cheap to keep and likely to be recorded
// again: none with a receipt or a payload, none in a terminal state. It is
// bounded by maxCached: when full it is dropped and refills.
type rowCache struct {
	rows    map[cacheKey]cachedRow
	staged  map[cacheKey]cachedRow // this transaction's writes; ok false: forget the key
	deleted int                    // rows deleted since rows was made
}

type cacheKey struct{ mailing, id string }

type cachedRow struct {
	row
	ok bool
}

// maxCached bounds the cache: about a few hundred bytes per row.
const maxCached = 4096

func newRowCache() *rowCache {
	return &rowCache{rows: map[cacheKey]cachedRow{}, staged: map[cacheKey]cachedRow{}}
}

// get returns the row of a key as the current transaction sees it, if
// the cache knows it.
func (c *rowCache) get(mailing, id string) (row, bool) {
	k := cacheKey{mailing, id}
	if r, ok := c.staged[k]; ok {
		return r.row, r.ok
	}
	r, ok := c.rows[k]
	return r.row, ok && r.ok
}

// put stages the row just written at seq, or forgets the key when the row
// is not one to keep.
func (c *rowCache) put(seq int64, e *journal.Entry) {
	k := cacheKey{e.Mailing, e.MessageID}
	if e.Receipt != nil || e.Payload != nil || e.State.Terminal() {
		c.staged[k] = cachedRow{}
		return
	}
	c.staged[k] = cachedRow{row: row{seq: seq, Entry: *e}, ok: true}
}

// forget stages that a key's row changed other than through put.
func (c *rowCache) forget(mailing, id string) {
	c.staged[cacheKey{mailing, id}] = cachedRow{}
}

// committed moves the staged rows into the cache.
func (c *rowCache) committed() {
	for k, r := range c.staged {
		if r.ok {
			c.rows[k] = r
		} else {
			delete(c.rows, k)
			c.deleted++
		}
	}
	clear(c.staged)
	switch {
	case len(c.rows) > maxCached:
		clear(c.rows)
	case c.deleted > maxCached:
		// A mailing adds and deletes a row per message while holding
		// only those in flight, and a map that churns so grows its table
		// (measured: +192 KiB over 90,000 messages): made again, it is
		// the size of what it holds.
		// (maps.Clone would copy the table's size too.)
		fresh := make(map[cacheKey]cachedRow, len(c.rows))
		maps.Copy(fresh, c.rows)
		c.rows, c.deleted = fresh, 0
	}
}

// drop forgets everything: the file changed under the cache, or a
// transaction failed.
func (c *rowCache) drop() {
	clear(c.rows)
	clear(c.staged)
}
