// Package pgjournal is a journal.Journal in PostgreSQL, for a mailing
// that sender instances on several machines drain together: each instance
// opens the same database, Load puts the mailing in once, and every
// instance's workers Claim batches under leases and Record their progress.
// It passes the conformance suite of mailing/journal/journaltest, so it
// behaves as the SQLite journal does: the same state machine and field rules
// (journal.CheckRecord, the same code), idempotent Load, leases that never
// overlap, and every call durable when it returns.
//
//	j, err := pgjournal.Open(ctx, "postgres://mm@db.example/mailings?pool_max_conns=16", journal.Config{})
//	defer j.Close()
//	_, err = j.Load(ctx, src.Mailing(), src.Items(ctx)) // any instance, any number of times
//	rep, err := mailing.Drain(ctx, sender, src.Decode, mailing.DrainOptions{
//		Options: mailing.Options{Name: src.Mailing(), Journal: j},
//	})
//
// mm send --batch uses it when --journal is a postgres:// URL, and
// `mm mailing status` and `mm mailing report` read it while it runs.
//
// # Schema
//
// Open creates the tables in the first schema of the connection's
// search_path (set search_path in the DSN to keep several journals in one
// database apart) and migrates them to this code's version:
//
//	mm_journal_schema   version integer PRIMARY KEY, applied timestamptz
//	mm_journal_entries  seq bigint identity, mailing, message_id, recipient,
//	                    state (CHECK: one of journal.States()), channel,
//	                    operator_id, operator_name, paper_reason, error,
//	                    attempts, receipt jsonb, payload bytea,
//	                    lease_worker, lease_until, created, updated
//	  PRIMARY KEY (mailing, seq)           List's pages, in first-recorded order
//	  UNIQUE (mailing, message_id)         Get, Record, Load's ON CONFLICT
//	  INDEX (mailing, seq) WHERE state IN (queued, looked-up, sending, unknown)
//	                                       Claim, past any number of settled entries
//
// Times (lease_until, created, updated) are Unix nanoseconds, the
// resolution of Go's times, so that the journal gives back exactly what it
// was given; to_timestamp(updated / 1e9) shows one. The receipt is the
// JSON of receipt.Receipt with the recipient's full number. The table
// holds personal data (see journal.Entry): grant access accordingly, and
// delete a mailing's rows when its records are no longer needed.
//
// Migrations run in one transaction under a transaction-level advisory
// lock, so instances starting together take turns and the later ones find
// the work done; an instance on a current schema takes no lock and needs
// no right to create tables. A schema newer than the code is refused.
//
// # Locking and leases
//
// Record is one transaction: it locks the rows it names with SELECT … FOR
// UPDATE, in key order (so two Records of the same rows queue up instead
// of deadlocking), runs journal.CheckRecord on each against the locked
// row, and writes. It takes two round trips: BEGIN, the locks and the
// clock; then the writes and COMMIT. A new entry that another instance
// inserts first makes the insert fail on the unique key, and the Record
// runs again, finding the row; deadlocks and serialization failures are
// run again too (five tries at most).
//
// Claim is one statement: it picks the mailing's first open entries whose
// lease has ended, in seq order, with FOR UPDATE SKIP LOCKED — rows that
// another Claim or a Record holds at that moment are passed over, not
// waited for — and sets their lease. Two claims never take the same row,
// and a worker recording an entry whose lease another has taken gets
// journal.ErrLeaseLost.
//
// Leases and timestamps run on the database server's clock
// (clock_timestamp, read after the row locks are granted), so instances
// whose machine clocks drift apart still agree on when a lease ends. Given
// a journal.Config.Now the journal uses that clock instead, as the
// conformance suite does to move time without waiting; every instance
// sharing a journal must then use the same clock.
//
// Every call that writes commits before it returns. A server set to
// synchronous_commit = off would lose the last commits in a crash, so
// Open's connections set it to on in that case (stronger settings are
// left alone); durability beyond the server — a synchronous standby — is
// the server's configuration.
//
// # Operations
//
// Several instances, one mailing: run the same sender with the same
// mailing name and DSN on each machine, each with its own worker name
// (host and process ID is the usual choice). Each claims small batches,
// so the work spreads over the instances at the pace each manages, and an
// instance may join or leave at any time.
//
// When an instance dies — killed, its machine gone, its network cut — its
// entries stay leased until their leases end, then the other instances
// claim them as any other: a Queued or LookedUp entry is looked up again,
// a Sending or Unknown one is sent again with the same message ID on the
// channel and to the operator recorded (operators deduplicate by ID).
// Choose the lease longer than one message's slowest path (retries
// included) and renew it by recording; a shorter lease lets a slow but
// live instance lose entries to another, whose Records then win while the
// slow one's are refused with ErrLeaseLost. If the database itself is
// unreachable every call fails and nothing is sent unrecorded; the
// mailing goes on when it is back.
//
// The pool is pgxpool's: size it with pool_max_conns in the DSN to the
// number of concurrent Records an instance makes. `mm mailing status`
// shows each instance holding leases and the pace over the last minute.
package pgjournal
