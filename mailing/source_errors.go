package mailing

import (
	"errors"
	"fmt"
	"strings"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
)

// LineError is one problem of a JSONL source, at a line and, where it
// belongs to one, a field named as the JSONL spells it (support.email,
// attachments[1].path). Err is the cause: a *message.ValidationError for a
// broken message rule, a *message.IDError for a refused identity number, an
// fs error for a file. It never holds a whole identity number.
type LineError struct {
	Line  int
	Field string
	Err   error
}

// Error describes the problem on one line. The field, a value and a cause
// may quote the line, which may hold anything: the text is cleaned by
// safetext.Clean.
func (e *LineError) Error() string {
	return safetext.Clean(e.text())
}

func (e *LineError) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", e.Line)
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	var ve *message.ValidationError
	if errors.As(e.Err, &ve) {
		// The field is named already, the JSONL way.
		b.WriteString(ve.Rule)
		if ve.Value != "" {
			b.WriteString(" (got " + ve.Value + ")")
		}
		return b.String()
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// SourceError is every problem found in a source, in line order. Past
// a limit the problems are only counted, so that a file of a million bad
// lines does not fill memory.
type SourceError struct {
	Problems []*LineError
	// Omitted is how many problems were found beyond Problems.
	Omitted int
}

// maxShown is how many problems Error lists before it summarises.
const maxShown = 20

func (e *SourceError) Error() string {
	n := len(e.Problems) + e.Omitted
	var b strings.Builder
	fmt.Fprintf(&b, "mailing source: %d problem", n)
	if n != 1 {
		b.WriteString("s")
	}
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "\n… and %d more", n-maxShown)
			break
		}
		b.WriteString("\n" + p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.As finds a *LineError and
// errors.Is a cause such as message.ErrTooLarge.
func (e *SourceError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects the LineErrors of a pass, up to a limit.
type problems struct {
	max int
	err SourceError
}

func (p *problems) add(errs ...*LineError) {
	for _, e := range errs {
		if len(p.err.Problems) < p.max {
			p.err.Problems = append(p.err.Problems, e)
		} else {
			p.err.Omitted++
		}
	}
}

func (p *problems) result() error {
	if len(p.err.Problems) == 0 && p.err.Omitted == 0 {
		return nil
	}
	return &p.err
}

// jsonField turns a field name as package message spells it
// (Attachments[1].ContentType, Support.Email, CorrelationID) into the
// JSONL's (attachments[1].content_type, support.email, correlation_id).
func jsonField(goName string) string {
	switch goName {
	case "Recipient":
		return "to"
	case "Body.Text", "Body.ContentType":
		return "body"
	case "Message":
		return "message"
	}
	parts := strings.Split(goName, ".")
	for i, p := range parts {
		if p == "Data" && i > 0 {
			parts[i] = "path"
			continue
		}
		parts[i] = snake(p)
	}
	return strings.Join(parts, ".")
}

// snake lower-cases a Go name with underscores between words, keeping
// an index such as [1] and an initialism such as ID whole.
func snake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 && s[i-1] >= 'a' && s[i-1] <= 'z' {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
