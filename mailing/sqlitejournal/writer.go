package sqlitejournal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/avsandare/mm/mailing/journal"
)

// writeFunc does one caller's writes inside a group's transaction, with the
// writer connection's statements. An error undoes them (and only them).
type writeFunc func(ctx context.Context, st *sqliteStmts) error

type writeReq struct {
	ctx  context.Context
	fn   writeFunc
	done chan error
	// plain runs fn without a savepoint: fn promises that when it fails
	// it has written nothing, unless its error is a writeError, which
	// fails the whole group.
	plain bool
	// patience is how long the request may wait to share a commit: zero
	// for a request in a hurry, unhurriedWait for an unhurried one
	// (journal.Unhurried), the caller's for a patient one
	// (journal.Patient).
	patience time.Duration
}

// writeError is what a plain request's fn returns when a statement failed:
// SQLite may have rolled the whole transaction back on such an error (a
// full disk, an I/O error), so the group is given up and every caller in
// it told that nothing was written.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

// writer owns the journal's one writing connection and commits what
// callers hand it in groups (group commit): a transaction takes in every
// request that arrives while it does its work, up to maxGroup, so N
// concurrent callers share one fsync instead of paying for N, and none
// returns before its writes are on disk.
type writer struct {
	conn    *sql.Conn
	st      *sqliteStmts
	tx      txStmts
	reqs    chan *writeReq
	stopped chan struct{}

	// unhurriedWait is the const, but for tests; gathering is 1 while
	// unhurried requests wait, for tests to see.
	unhurriedWait time.Duration
	gathering     atomic.Int32

	// dataVersion is PRAGMA data_version as the last transaction found
	// it: when it changes, another connection has committed, and the row
	// cache (st.cache) is dropped.
	dataVersion int64

	// groups and grouped count transactions and the requests in them, so
	// that the benchmark can report the size of a group.
	groups, grouped atomic.Int64
}

// txStmts are the transaction statements, prepared once: database/sql's
// Tx would prepare every statement of a Record again, which cost a third of
// a Record (measured).
type txStmts struct {
	begin, commit, rollback, savepoint, rollbackTo, release, dataVersion *sql.Stmt
}

// maxGroup bounds a group, so that one transaction stays short.
const maxGroup = 128

// unhurriedWait is how long an unhurried request may wait for others to
// share its commit. Nothing waits on such a request (a mailing's final
// records), so it may wait longer than any patient one: it then rides
// with the sending records of other messages, which a mailing makes
// patient (journal.Patient, 10 ms) and which come a few times per
// millisecond, instead of paying for an fsync of its own. Each fsync costs
// the writer CPU and, on a busy CPU, a wait for its turn after the call
// returns (measured: with each sending record committed as it came, the
// journal took 16–20% of a CPU-bound mailing's throughput, and about 7%
// once records shared commits).
const unhurriedWait = 50 * time.Millisecond

func startWriter(ctx context.Context, conn *sql.Conn, st *sqliteStmts) (*writer, error) {
	st.cache = newRowCache()
	w := &writer{conn: conn, st: st, reqs: make(chan *writeReq, maxGroup), stopped: make(chan struct{}), dataVersion: -1,
		unhurriedWait: unhurriedWait}
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.tx.begin, `BEGIN IMMEDIATE`}, {&w.tx.commit, `COMMIT`}, {&w.tx.rollback, `ROLLBACK`},
		{&w.tx.savepoint, `SAVEPOINT req`}, {&w.tx.rollbackTo, `ROLLBACK TO req`}, {&w.tx.release, `RELEASE req`},
		{&w.tx.dataVersion, `PRAGMA data_version`},
	} {
		s, err := conn.PrepareContext(ctx, q.sql)
		if err != nil {
			w.closeStmts()
			return nil, fmt.Errorf("sqlitejournal: prepare journal statement: %w", err)
		}
		*q.dst = s
	}
	go w.loop()
	return w, nil
}

// do runs fn in the next group and returns once the group is committed. A
// ctx done before fn runs skips it; once fn runs, do waits for the commit
// whatever ctx says, so that its answer is exact: nil means on disk, an
// error means nothing of fn was written.
func (w *writer) do(ctx context.Context, fn writeFunc) error {
	return w.send(ctx, fn, false)
}

// doPlain is do for an fn that checks everything before it writes, and
// whose only failures after its first write are writeErrors: it runs
// without a savepoint of its own.
func (w *writer) doPlain(ctx context.Context, fn writeFunc) error {
	return w.send(ctx, fn, true)
}

func (w *writer) send(ctx context.Context, fn writeFunc, plain bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), plain: plain, patience: journal.PatienceOf(ctx)}
	if journal.IsUnhurried(ctx) {
		r.patience = max(r.patience, w.unhurriedWait)
	}
	w.reqs <- r
	return <-r.done
}

func (w *writer) loop() {
	defer close(w.stopped)
	for r := range w.reqs {
		group := []*writeReq{r}
		if r.patience > 0 {
			group = w.gather(group)
		}
		group, results := w.commit(group)
		w.groups.Add(1)
		w.grouped.Add(int64(len(group)))
		for i, r := range group {
			r.done <- results[i]
		}
	}
}

// gather holds a group of patient or unhurried requests back until a
// request in a hurry joins it, the group is full, or the patience of one
// of them runs out.
func (w *writer) gather(group []*writeReq) []*writeReq {
	p := &patience{due: time.Now().Add(group[0].patience), t: time.NewTimer(group[0].patience)}
	defer p.t.Stop()
	w.gathering.Store(1)
	defer w.gathering.Store(0)
	return w.take(group, p)
}

// patience is when a gathering group must commit: when the least patient
// of its requests can wait no longer.
type patience struct {
	due time.Time
	t   *time.Timer
}

// commit runs group and whatever requests arrive meanwhile in one
// transaction, each under its own savepoint, and returns the group and each
// request's result.
func (w *writer) commit(group []*writeReq) ([]*writeReq, []error) {
	ctx := context.Background()
	var results []error
	fail := func(what string, err error) ([]*writeReq, []error) {
		_, _ = w.tx.rollback.ExecContext(ctx)
		w.st.cache.drop()
		err = fmt.Errorf("sqlitejournal: journal %s: %w", what, err)
		for i := range group {
			if i >= len(results) {
				results = append(results, err)
			} else if results[i] == nil {
				results[i] = err
			}
		}
		return group, results
	}
	if _, err := w.tx.begin.ExecContext(ctx); err != nil {
		return fail("begin", err)
	}
	var v int64
	if err := w.tx.dataVersion.QueryRowContext(ctx).Scan(&v); err != nil {
		return fail("read data version", err)
	}
	if v != w.dataVersion {
		w.st.cache.drop()
		w.dataVersion = v
	}
	for i := 0; i < len(group); i++ {
		r := group[i]
		results = append(results, r.ctx.Err())
		if results[i] == nil && r.plain {
			var we writeError
			if results[i] = r.fn(ctx, w.st); errors.As(results[i], &we) {
				return fail("write", we.err)
			}
		} else if results[i] == nil {
			if _, err := w.tx.savepoint.ExecContext(ctx); err != nil {
				return fail("savepoint", err)
			}
			if results[i] = r.fn(ctx, w.st); results[i] != nil {
				if _, err := w.tx.rollbackTo.ExecContext(ctx); err != nil {
					return fail("rollback to savepoint", err)
				}
			}
			if _, err := w.tx.release.ExecContext(ctx); err != nil {
				return fail("release savepoint", err)
			}
		}
		// Callers answered by the last commit have usually sent their next
		// request while this one worked: take them in before committing.
		if i == len(group)-1 {
			group = w.drain(group)
		}
	}
	if _, err := w.tx.commit.ExecContext(ctx); err != nil {
		return fail("commit", err)
	}
	w.st.cache.committed()
	return group, results
}

// drain appends the requests waiting now, without blocking, up to
// maxGroup.
func (w *writer) drain(group []*writeReq) []*writeReq { return w.take(group, nil) }

// take appends requests up to maxGroup: those waiting now when p is nil;
// else until a request in a hurry comes or p's time comes, which a
// request with less patience than the group's brings forward.
func (w *writer) take(group []*writeReq, p *patience) []*writeReq {
	var due <-chan time.Time
	if p != nil {
		due = p.t.C
	}
	for len(group) < maxGroup {
		if p == nil && len(w.reqs) == 0 {
			return group
		}
		select {
		case r, ok := <-w.reqs:
			if !ok {
				return group
			}
			group = append(group, r)
			if p == nil {
				continue
			}
			if r.patience <= 0 {
				return group
			}
			if d := time.Now().Add(r.patience); d.Before(p.due) {
				p.due = d
				p.t.Reset(time.Until(d))
			}
		case <-due:
			return group
		}
	}
	return group
}

func (w *writer) closeStmts() {
	for _, s := range []*sql.Stmt{w.tx.begin, w.tx.commit, w.tx.rollback, w.tx.savepoint, w.tx.rollbackTo, w.tx.release, w.tx.dataVersion} {
		if s != nil {
			_ = s.Close()
		}
	}
	w.st.close()
}

// stop ends the loop once queued requests are done, and closes the
// connection. Callers must not call do after stop.
func (w *writer) stop() error {
	close(w.reqs)
	<-w.stopped
	w.closeStmts()
	return w.conn.Close()
}
