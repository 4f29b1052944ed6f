// Package mailing sends many messages — a large mailing (massutskick) —
// through an *mm.Sender: a source of messages read and checked before
// anything is sent, a plan that tells the infrastructure ahead what is
// coming (SPEC §9), and Send and Drain, which look recipients up in FaR in
// batches, deliver with bounded concurrency per operator, pace overall and
// per operator, pause an operator that stops answering while the others go
// on, hand the rest to paper, and record every message in a journal
// (package journal) before and after each step, so that a mailing killed
// at any instant is started again with the same call and finishes without
// sending anything twice.
//
//	// s is an *mm.Sender (mm.New)
//	src, err := mailing.OpenSource("arsbesked-2026", "arsbesked.jsonl")
//	n, err := src.Validate(ctx) // every problem, by line, before anything leaves
//	plan, err := mailing.NewPlan(ctx, src.Messages(ctx), mailing.PlanConfig{
//		Sender: s.Config().Sender, Mailing: src.Mailing(), Start: start, Rate: 20,
//	})
//	fmt.Print(plan.Text()) // the notice to e-mail to the infrastructure
//	j, err := sqlitejournal.Open("arsbesked.journal", journal.Config{})
//	defer j.Close()
//	rep, err := mailing.Send(ctx, s, src.Messages(ctx), mailing.Options{
//		Name: src.Mailing(), Journal: j, Rate: 20, Total: n,
//	})
//
// With OpenTelemetry providers in the Sender's configuration
// (mm.Config.MeterProvider, TracerProvider), a run reports each message it
// settles, the mailing's progress (done, remaining), a span per lookup
// batch and the time of every journal write, beside what the Sender's
// steps report; package mm's documentation lists every instrument.
//
// Send reads its messages as they stream, from a Source or any
// iter.Seq2[*message.Message, error]. Drain serves instances on several
// machines that share one journal (pgjournal): the mailing is loaded once
// (journal.Journal.Load with Source.Items), and each instance claims
// messages under a lease, rebuilds them (Source.Decode) and sends them as
// Send does. Both return a Report of what the run did; the journal holds
// every message's record.
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
package mailing
