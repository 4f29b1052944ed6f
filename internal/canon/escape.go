package canon

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// escape writes s as canonical XML writes text, or with attr an attribute
// value. One switch serves both because each index stops only at its own
// special bytes: text never at '"', tab or line feed, a value never at '>'.
func (w *Writer) escape(s string, attr bool) {
	for {
		var i int
		if attr {
			i = strings.IndexAny(s, "&<\"\t\n\r")
		} else {
			i = indexText(s)
		}
		if i < 0 {
			w.raw(s)
			return
		}
		w.raw(s[:i])
		switch s[i] {
		case '&':
			w.raw("&amp;")
		case '<':
			w.raw("&lt;")
		case '>':
			w.raw("&gt;")
		case '"':
			w.raw("&quot;")
		case '\t':
			w.raw("&#x9;")
		case '\n':
			w.raw("&#xA;")
		case '\r':
			w.raw("&#xD;")
		}
		s = s[i+1:]
	}
}

// Text's special bytes, each repeated in every byte of a word.
const (
	lo   = 0x0101010101010101
	hi   = 0x8080808080808080
	amp  = '&' * lo
	lt   = '<' * lo
	gt   = '>' * lo
	cr   = '\r' * lo
	word = 8
)

// indexText returns the index of the first byte Text must escape (&, <, >
// or carriage return), or -1. It tests eight bytes at a time: the text of a
// delivery is mostly base64 of attachments, megabytes without a single
// special byte, and a byte-at-a-time scan would dominate canonicalisation.
func indexText(s string) int {
	i := 0
	for ; i+word <= len(s); i += word {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+word]))
		if m := hasZero(x^amp) | hasZero(x^lt) | hasZero(x^gt) | hasZero(x^cr); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		switch s[i] {
		case '&', '<', '>', '\r':
			return i
		}
	}
	return -1
}

// hasZero marks the zero bytes of x with their top bit set. The lowest
// marked byte is always a true zero; higher marks may be false, which
// indexText never reads past the first.
func hasZero(x uint64) uint64 { return (x - lo) &^ x & hi }
