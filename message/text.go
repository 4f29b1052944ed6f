package message

import (
	"strings"

	"github.com/avsandare/mm/internal/canon"
)

// lf returns s with every line end written as a line feed: CRLF and a lone
// CR become LF (SPEC §4). A signed document must hold no carriage return:
// canonical XML writes it as &#xD;, which the operators' parser reads back
// as a line feed, so their digest would differ from the sender's. The XML
// specification itself folds CRLF to LF on reading, so an LF-only text is
// what every reader sees anyway. A string without CR is returned as it is,
// without allocating.
func lf(s string) string {
	i := strings.IndexByte(s, '\r')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		b.WriteByte('\n')
		s = strings.TrimPrefix(s[i+1:], "\n")
		i = strings.IndexByte(s, '\r')
	}
	b.WriteString(s)
	return b.String()
}

// leaf writes an element holding the text field s, line ends as LF.
func leaf(w *canon.Writer, local, ns, s string) { w.Leaf(local, ns, lf(s)) }

// optLeaf is leaf for an optional field: nothing when s is empty.
func optLeaf(w *canon.Writer, local, ns, s string) { w.OptLeaf(local, ns, lf(s)) }
