package mailing_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/paperdir"
)

// beslut is a mailing of two messages as JSONL: one recipient has a
// digital mailbox at the fake, the other has none.
const beslut = `{"to":"530323-1855","subject":"Beslut","text":"Ditt bygglov är beviljat.","support":{"text":"Ring 08-123 45 67"}}
{"to":"198101052382","subject":"Beslut","text":"Ditt bygglov är beviljat.","support":{"text":"Ring 08-123 45 67"}}
`

// exampleSender starts a fake infrastructure with beslut's recipients and
// returns a Sender through it with a paper folder under dir.
func exampleSender(dir string) (*mm.Sender, func()) {
	infra, err := fakeinfra.New()
	if err != nil {
		panic(err)
	}
	_ = infra.AddRecipient("530323-1855", fakeinfra.Mailbox("kivra"))
	_ = infra.AddRecipient("198101052382", fakeinfra.NoMailbox())
	paper, err := paperdir.New(filepath.Join(dir, "paper"), paperdir.Config{})
	if err != nil {
		panic(err)
	}
	cfg := infra.SenderConfig()
	cfg.Paper = paper
	sender, err := mm.New(cfg)
	if err != nil {
		panic(err)
	}
	return sender, func() { paper.Close(); infra.Close() }
}

func exampleSource() *mailing.Source {
	src, err := mailing.NewSource(mailing.SourceConfig{
		Mailing: "beslut-2026-11",
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(beslut)), nil },
	})
	if err != nil {
		panic(err)
	}
	return src
}

// A mailing from a JSONL source: every line checked before anything
// leaves, then sent with a journal on disk, so that a run killed at any
// point is started again with the same call and finishes without sending
// anything twice.
func ExampleSend() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "mailing")
	defer os.RemoveAll(dir)
	sender, stop := exampleSender(dir)
	defer stop()

	_ = os.WriteFile(filepath.Join(dir, "beslut.jsonl"), []byte(beslut), 0o600)

	src, err := mailing.OpenSource("beslut-2026-11", filepath.Join(dir, "beslut.jsonl"))
	if err != nil {
		panic(err)
	}
	if _, err := src.Validate(ctx); err != nil {
		fmt.Println(err) // every problem, by line, before anything is sent
		return
	}
	j, err := sqlitejournal.Open(filepath.Join(dir, "beslut.journal"), journal.Config{})
	if err != nil {
		panic(err)
	}
	defer j.Close()
	rep, err := mailing.Send(ctx, sender, src.Messages(ctx), mailing.Options{Name: src.Mailing(), Journal: j, Rate: 20})
	if err != nil {
		panic(err)
	}
	fmt.Println("delivered:", rep.ByState[journal.Delivered], "paper:", rep.ByState[journal.Paper], "failed:", rep.Failed)

	// Run again: the journal says both are done.
	rep, _ = mailing.Send(ctx, sender, src.Messages(ctx), mailing.Options{Name: src.Mailing(), Journal: j})
	fmt.Println("second run skipped:", rep.Skipped)
	// Output:
	// delivered: 1 paper: 1 failed: 0
	// second run skipped: 2
}

// A mailing drained from a shared journal: load it once (every instance may
// load it; only the first adds anything), then each instance, on any
// machine, drains it. With a pgjournal the instances share the work.
func ExampleDrain() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "mailing")
	defer os.RemoveAll(dir)
	sender, stop := exampleSender(dir)
	defer stop()

	src := exampleSource()
	j := journal.NewMemory(journal.Config{}) // pgjournal.Open(ctx, "postgres://…", journal.Config{}) to share it
	defer j.Close()
	st, err := j.Load(ctx, src.Mailing(), src.Items(ctx))
	if err != nil {
		panic(err)
	}
	rep, err := mailing.Drain(ctx, sender, src.Decode, mailing.DrainOptions{
		Options: mailing.Options{Name: src.Mailing(), Journal: j}, Worker: "instance-1",
	})
	if err != nil {
		panic(err)
	}
	c, _ := j.Counts(ctx, src.Mailing())
	fmt.Println("loaded:", st.Added, "settled here:", rep.Done, "all done:", c.Done())
	// Output: loaded: 2 settled here: 2 all done: true
}
