package sqlitejournal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/receipt"
)

// A journal in a file outlives the process that wrote it: what Record
// returned is on disk, and the next process reads it back.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "beslut.journal")

	j, err := sqlitejournal.Open(path, journal.Config{})
	if err != nil {
		panic(err)
	}
	err = j.Record(ctx, journal.Entry{Mailing: "beslut-2026-11", MessageID: "m-1", Recipient: "195303231855",
		State: journal.Sending, Channel: receipt.Paper, PaperReason: "no-mailbox", Attempts: 1})
	if err != nil {
		panic(err)
	}
	j.Close() // or kill -9: the record is already on disk

	j, err = sqlitejournal.Open(path, journal.Config{})
	if err != nil {
		panic(err)
	}
	defer j.Close()
	e, _ := j.Get(ctx, "beslut-2026-11", "m-1")
	fmt.Println(e.State, string(e.PaperReason), "→", e.State.Resume())
	// Output: sending no-mailbox → resend
}
