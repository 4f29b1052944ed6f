// Package journal is the contract of a mailing's journal: the durable
// record of every message's state, kept by mailing and message ID, that
// lets a mailing killed at any instant — kill -9, a power cut — start again
// with the same input and finish without losing a message or sending one
// twice. mailing.Send and mailing.Drain record each message before and after
// every external step; anything that sends many messages can do the same.
//
// Three implementations pass the same conformance suite (journaltest):
// Memory here (tests, and mailings that need no resume), the SQLite file
// of package sqlitejournal (one machine, the usual choice), and package
// pgjournal (PostgreSQL, for instances on several machines draining one
// mailing). Every one enforces the same state machine and field rules
// (CheckRecord).
//
// # Entries and states
//
// A Journal keeps, per mailing and message ID, an Entry: the recipient's
// full number (the journal holds personal data), the state, the channel
// and operator, the paper reason, an error text without personal data, the
// attempts, the receipt, timestamps, and in queue mode the source payload
// and a lease. A message's usual path, and the moves Record allows:
//
//	queued ─► looked-up ─► sending ─► delivered
//	                          │ operator declined
//	                          └─► sending (paper) ─► declined-then-paper
//
//	from        to
//	queued      looked-up, sending (paper by class policy), failed, queued
//	looked-up   sending, failed, looked-up (looked up again)
//	sending     delivered, paper, declined-then-paper, failed, unknown, sending¹
//	unknown     delivered, paper, declined-then-paper, unknown², sending¹
//	failed      queued³
//	delivered, paper, declined-then-paper: none
//
//	¹ only to start the paper letter after the operator's definite decline
//	² the request is sent again: attempts + 1
//	³ a deliberate requeue once the cause is fixed
//
// Terminal: delivered, declined-then-paper, paper and failed (failed may be
// requeued once its cause is fixed: nothing landed). Unknown never becomes
// failed: a request may have landed, and it is re-sent with the same ID,
// which operators deduplicate. CanTransition holds the table; Record also
// checks the fields each state needs, that attempts never go down, that the
// recipient never changes, and that a record following a request (sending,
// unknown) keeps its channel and operator — so every request has a
// "before" record of its own.
//
// What a restart does (State.Resume): queued and looked-up are looked up
// again; sending and unknown are recorded unknown with one more attempt
// and re-sent, with the same ID, on the channel and to the operator
// recorded; terminal states are skipped.
//
// # Two ways of working
//
// Streaming: iterate the source and, per message, Get (to skip or resume
// it) and Record before and after each step — mailing.Send. Queue: Load
// the source once, then workers in any number of processes Claim batches
// under a lease that expires when a worker dies, and Record their progress,
// which renews or releases the lease — mailing.Drain.
//
// # Implementing a journal
//
// CheckRecord, CheckKey, CheckClaim, CheckLoaded and NewCounts are the
// checks Memory makes, for other implementations to make the same;
// StoredEntry, Store, ScanStored, LoadBatches and ListPages are the stored
// form and the batching that the SQL journals share. Config.Stamp reads a
// clock as every journal stores times; Gate keeps calls and Close apart.
package journal
