// Package paperdir spools paper letters into folders for a print provider
// to collect: Dir is the mm.PaperMail a Sender hands a message to when it
// cannot, or may not, go digitally.
//
//	paper, err := paperdir.New("/var/spool/mm-paper", paperdir.Config{})
//	defer paper.Close()
//	cfg.Paper = paper // mm.Config
//
// Each message becomes a folder named by its ID: a manifest (the mm-paper/1
// format: recipient, subject, support, reason, and each file's size,
// SHA-256 and MD5), the body and the attachments. Writes are atomic and
// durable, and idempotent by message ID: handing the same letter over
// again writes nothing, so a resumed mailing never prints a letter twice.
// Read gives the print provider's view: every complete folder's manifest.
package paperdir
