// Package mailing is what a large mailing (massutskick) stands on: a
// source of messages read and checked before anything is sent, a plan that
// tells the infrastructure ahead what is coming (SPEC §9), and a journal
// that records every message's state durably, so that a mailing killed at
// any instant is started again with the same input and finishes without
// sending anything twice. The root package's Sender.SendAll paces and
// sends; this package knows no network.
//
// The shortest real use, before SendAll:
//
//	src, err := mailing.OpenSource("arsbesked-2026", "arsbesked.jsonl")
//	n, err := src.Validate(ctx) // every problem, by line, before anything leaves
//	plan, err := mailing.NewPlan(ctx, src.Messages(ctx), mailing.PlanConfig{
//		Sender: sender, Mailing: src.Mailing(), Start: start, Rate: 20,
//	})
//	fmt.Print(plan.Text()) // the notice to e-mail to the infrastructure
//	j, err := mailing.OpenSQLite("arsbesked.journal")
//	defer j.Close()
//	// for m := range src.Messages(ctx): j.Get, then j.Record before and after each step
//
// # The source: JSONL
//
// One JSON object a line; blank lines are skipped. Field names are exact
// (lower case, snake_case) and an unknown field is an error, so that a typo
// never silently drops a field.
//
//	{"id": "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",   optional UUID; see below
//	 "to": "530323-1855",                           recipient, in any form people write
//	 "subject": "Beslut om bygglov",
//	 "text": "…" | "html": "<p>…</p>" | "body_file": "brev/17.html",   exactly one
//	 "content_type": "text/html",                   only with body_file; else from .txt/.html/.htm
//	 "attachments": [{"path": "bilagor/beslut.pdf", "filename": "Beslut.pdf", "content_type": "application/pdf"}],
//	 "class": 3,                                    1, 2 or 3 (or "3"); default 3
//	 "support": {"text": "…", "url": "…", "phone": "…", "email": "…"},   text required
//	 "reference": "…", "correlation_id": "…", "attention": "…", "language": "svSE",
//	 "metadata": {"dnr": "BN 2026/17"} | [{"tag": "dnr", "value": "BN 2026/17"}],
//	 "sms": {"from": "Kommun A", "text": "…"},      class 1 only
//	 "email": {"from": "…", "subject": "…", "text": "…"},   class 1 only
//	 "official_matter": {"timestamp": "2026-11-26", "event_id": "…", "official_matter_id": "…",
//	                     "preceding_event_id": "…", "matter_subject": "…", "event_type": "…",
//	                     "matter_status": "closed"}}
//
// Paths are relative to the JSONL file's folder (SourceConfig.Files) and
// may not leave it: OpenSource opens the folder as a Folder (os.OpenRoot),
// so that an absolute path, "..", or a symbolic link to a file or folder
// outside is refused, and only regular files are read — a named pipe, a
// device, a socket or a folder is refused without blocking, with the line,
// the field and the path. An attachment's filename defaults to the path's last
// element and its content type to the one its extension names (.pdf .doc
// .docx .dotx .ics). Metadata as an object keeps the order written.
//
// A line without an id gets a derived one (DeriveID): the version-5 UUID of
// the mailing's name and the line's canonical content, so that a resumed
// mailing finds the same IDs, whatever the spacing or key order, while any
// change of content makes a new message. Validate reports two lines with
// one ID. Give lines their own ids when the same letter must go twice.
//
// Source.Validate reads the whole file, one line at a time, and returns
// every problem with its line number — malformed JSON, unknown fields,
// missing or unreadable files, invalid identity numbers, every rule of
// message.Validate including the 2 MB limit. Source.Messages then yields
// the messages, reading each one's files only when it is yielded: memory
// stays flat however long the file.
//
// # The journal
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
// # Durability
//
// OpenSQLite keeps the journal in one file: WAL mode, synchronous=FULL, so
// every Record, Load and Claim that returns is on disk, fsync included —
// it survives kill -9 and a power cut. Concurrent Records from one process
// share a transaction and its fsync (group commit), each under its own
// savepoint; several processes may share the file. NewMemory is the same
// journal in memory, for tests. Package pgjournal keeps it in PostgreSQL,
// shared by instances on several machines, and package journals opens
// either by address (a postgres:// URL or a file path). Package
// journaltest is the conformance suite all of them pass; CheckRecord (the
// state machine), Store, LoadBatches and ListPages are what they share.
//
// Two ways of working: streaming (iterate the source, Get and Record per
// message), and queue (Load the source once, then workers Claim batches
// under a lease that expires when a worker dies, and Record progress,
// which renews or releases the lease).
package mailing
