package safetext

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s with personal identity numbers masked and control
// characters escaped; see the package documentation for the rules.
func Clean(s string) string {
	if !needsWork(s) {
		return s
	}
	c := cleaner{s: s}
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				c.replace(i, i+1, replacement) // not UTF-8
			} else if escaped(r) {
				c.replace(i, i+size, escape(r))
			}
			i += size
		case b < 0x20 || b == 0x7f:
			c.replace(i, i+1, escape(rune(b)))
			i++
		case isHex(b) && (i == 0 || !isHex(s[i-1]) && s[i-1] != '-') && isUUIDAt(s, i):
			// A message ID: its last group may be twelve digits that look
			// like a person's number, and must stay whole.
			i += uuidLen
		case isDigit(b) && (i == 0 || !isDigit(s[i-1])):
			end, mask := number(s, i)
			if mask {
				c.replace(end-4, end, "****")
			}
			i = end
		default:
			i++
		}
	}
	return c.result()
}

// cleaner builds the cleaned text only once something must change, so
// that a text with digits or non-ASCII letters but nothing to clean is
// returned as it is.
type cleaner struct {
	s    string
	b    strings.Builder
	done int // s[:done] is accounted for in b
}

// replace puts with in place of s[i:j]; replacements come in order.
func (c *cleaner) replace(i, j int, with string) {
	if c.b.Cap() == 0 {
		c.b.Grow(len(c.s) + 8)
	}
	c.b.WriteString(c.s[c.done:i])
	c.b.WriteString(with)
	c.done = j
}

func (c *cleaner) result() string {
	if c.done == 0 && c.b.Len() == 0 {
		return c.s
	}
	c.b.WriteString(c.s[c.done:])
	return c.b.String()
}

// needsWork reports whether s holds anything Clean changes: a character
// it replaces, invalid UTF-8 (or U+FFFD itself, which is harmless), or a
// run of at least six digits.
func needsWork(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r == utf8.RuneError || escaped(r):
			return true
		case r >= '0' && r <= '9':
			if digits++; digits >= 6 {
				return true
			}
		default:
			digits = 0
		}
	}
	return false
}

// escaped reports whether r is written as an escape: C0 and C1 controls,
// DEL, the bidirectional formatting characters (marks, embeddings,
// overrides, isolates) and the line and paragraph separators.
func escaped(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // arabic letter mark, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0x2028, r == 0x2029:   // line and paragraph separators
		return true
	}
	return false
}

// replacement stands for a character that must not reach a reader.
const replacement = "\uFFFD"

// escape is how r is written: line breaks and tabs as Go writes them in
// a string literal, so that a multi-line text stays readable on one line;
// anything else as U+FFFD. No escape ends in a digit, so that cleaning
// never joins digits into a number that a second pass would mask.
func escape(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return replacement
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isWord(c byte) bool { return isHex(c) || c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z' || c == '-' }

// uuidLen is the length of a UUID's text form.
const uuidLen = 36

// isUUIDAt reports whether s holds a UUID (8-4-4-4-12 hex digits) at i,
// not followed by another letter, digit or hyphen.
func isUUIDAt(s string, i int) bool {
	if len(s)-i < uuidLen || (len(s)-i > uuidLen && isWord(s[i+uuidLen])) {
		return false
	}
	for k := 0; k < uuidLen; k++ {
		c := s[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}
