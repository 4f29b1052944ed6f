// Package sqlitejournal keeps a mailing's journal (journal.Journal) in one
// SQLite file on the sending machine: the embedded default, in pure Go
// (modernc.org/sqlite), so a sender stays one binary without cgo.
//
//	j, err := sqlitejournal.Open("arsbesked.journal", journal.Config{})
//	defer j.Close()
//	rep, err := mailing.Send(ctx, sender, src.Messages(ctx), mailing.Options{Name: src.Mailing(), Journal: j})
//
// Every Record, Load and Claim that returns is on disk, fsync included
// (WAL mode, synchronous=FULL), so the journal survives kill -9 and a power
// cut; concurrent callers in one process share a transaction and its fsync
// (group commit). A caller that can wait says so (journal.Patient,
// journal.Unhurried): its write is then held back, never past what it
// allows, to share a commit with later ones — a mailing's records of many
// messages so share one fsync. Several processes on one machine may share the file; for
// instances on several machines, use pgjournal. It passes the conformance
// suite (journal/journaltest) and a test that kills a process writing it
// with SIGKILL, again and again, and finds every acknowledged record.
package sqlitejournal
