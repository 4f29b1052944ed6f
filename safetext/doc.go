// Package safetext makes text that comes from outside — a server's fault
// description, a FaR faultstring, a name in a mailing source or a fake's
// configuration, a namespace URI quoted in an error — safe to show on a
// terminal, write to a log or keep in a journal.
//
// Clean does two things, in one pass:
//
//   - It masks personal identity numbers the way message.RecipientID.Masked
//     does: 12- and 10-digit forms, with or without the '-' or '+' before
//     the last four digits, keep their date and lose those four digits
//     (19530323****, 530323-****). Organisation numbers are public and stay
//     whole. A number is masked whether or not its check digit is right: a
//     mistyped personal number is still personal data.
//   - It replaces control characters — ESC and the rest of C0 and C1, DEL
//     — the Unicode bidirectional controls, the line and paragraph
//     separators and bytes that are not UTF-8 with U+FFFD, and writes
//     newline, carriage return and tab as the escapes \n, \r and \t, so
//     that outside text can neither start a line of its own, move the
//     cursor, nor reorder what a reader sees, while a text of several
//     lines stays readable on one.
//
// Clean is idempotent, and returns its input unchanged (without
// allocating) when there is nothing to do. The SDK cleans outside text
// where it enters — when a fault is read, a receipt or journal entry is
// made, a source line is reported — so that errors, receipts, journals and
// logs hold only clean text; commands clean again what they print from
// stored data, which older versions may have written uncleaned.
//
//	fmt.Fprintln(os.Stderr, "operator said:", safetext.Clean(fault.Description))
//
// Package safetext imports nothing of the SDK, so that every package may
// use it.
package safetext
