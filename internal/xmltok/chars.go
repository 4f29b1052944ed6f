package xmltok

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// SWAR ("SIMD within a register") constants: eight input bytes are tested at
// once as one uint64, which is what lets plain text be validated at several
// bytes per cycle instead of one.
const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns a word with the high bit set in the lowest byte of x that
// needs a closer look in text: a byte of a multi-byte UTF-8 sequence, a
// control character (which includes tab, newline and carriage return), '&'
// or ']'. Bits above the lowest flagged byte may be false positives (borrows
// propagate upwards), so callers use only the lowest.
func special(x uint64) uint64 {
	ctl := (x - 0x20*lows) &^ x // high bit where a byte < 0x20 (or above one)
	amp := x ^ ('&' * lows)
	amp = (amp - lows) &^ amp // high bit where a byte == '&'
	brk := x ^ (']' * lows)
	brk = (brk - lows) &^ brk // high bit where a byte == ']'
	return (x | ctl | amp | brk) & highs
}

// isPlain reports whether c needs no closer look in text (see special).
func isPlain(c byte) bool {
	return c >= 0x20 && c < 0x80 && c != '&' && c != ']'
}

// nextSpecial returns the index of the first byte in s at or after i that
// is not plain, or len(s).
func nextSpecial(s []byte, i int) int {
	for i+8 <= len(s) {
		if m := special(binary.LittleEndian.Uint64(s[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(s) && isPlain(s[i]) {
		i++
	}
	return i
}

// isChar reports whether r is in XML 1.0's Char production.
func isChar(r rune) bool {
	switch {
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	}
	return r >= 0x10000 && r <= unicode.MaxRune
}

// charLen returns the length of the UTF-8 sequence starting at s[i] (a byte
// >= 0x80), or 0 when it is not valid UTF-8 or not an XML Char. Valid UTF-8
// never encodes surrogates, so only U+FFFE and U+FFFF remain to refuse.
func charLen(s []byte, i int) int {
	r, n := utf8.DecodeRune(s[i:])
	if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
		return 0
	}
	return n
}

// ASCII name characters as bitmaps, so that the common case of a name
// costs a shift and a test per byte. Bit c of loName is byte c < 64; bit
// c-64 of hiName is byte c in 64..127.
const (
	digits     = 0x3FF << '0'
	loName     = 1<<'-' | 1<<'.' | digits | 1<<':'
	loStart    = 1 << ':'
	letters    = 0x3FFFFFF
	hiName     = letters<<('A'-64) | 1<<('_'-64) | letters<<('a'-64)
	hiStart    = hiName
	asciiSpace = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r'
)

func isNameByte(c byte) bool {
	if c < 64 {
		return loName>>c&1 != 0
	}
	return c < 128 && hiName>>(c-64)&1 != 0
}

func isNameStartByte(c byte) bool {
	if c < 64 {
		return loStart>>c&1 != 0
	}
	return c < 128 && hiStart>>(c-64)&1 != 0
}

func isSpace(c byte) bool { return c <= ' ' && asciiSpace>>c&1 != 0 }

// skipSpace returns the index of the first byte at or after i that is not
// XML white space.
func skipSpace(s []byte, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// nameEnd returns the end of the run of bytes from i that may belong to a
// name: ASCII name characters and every byte >= 0x80, as encoding/xml
// delimits names. The run still has to be checked with validName.
func nameEnd(s []byte, i int) int {
	for i < len(s) && (isNameByte(s[i]) || s[i] >= utf8.RuneSelf) {
		i++
	}
	return i
}

// scanName returns the end of the name at s[i] and whether it is a valid
// XML name. An ASCII name is checked as it is scanned: only its first byte
// needs a second look.
func scanName(s []byte, i int) (int, bool) {
	start := i
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			end := nameEnd(s, i)
			return end, validName(s[start:end])
		} else if !isNameByte(c) {
			break
		}
	}
	return i, i > start && isNameStartByte(s[start])
}

//go:generate go run gen_names.go

// validName reports whether s is an XML name (XML 1.0 Fourth Edition,
// Appendix B, as encoding/xml checks it). ASCII bytes are checked against
// the bitmaps; only other characters go through the tables.
func validName(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	start := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if start && !isNameStartByte(c) || !isNameByte(c) {
				return false
			}
			i++
		} else {
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n == 1 {
				return false
			}
			if start && !unicode.Is(nameStartTable, r) || !unicode.Is(nameCharTable, r) {
				return false
			}
			i += n
		}
		start = false
	}
	return true
}
