package xmltok

import (
	"unicode/utf8"
)

// textMode selects what decodeText does besides validating characters and
// normalising line ends.
type textMode uint8

const (
	// modeText is character data: references are decoded and "]]>" is
	// refused.
	modeText textMode = iota
	// modeCDATA is the inside of a CDATA section: nothing is decoded.
	modeCDATA
	// modeAttr is an attribute value: references are decoded and literal
	// white space becomes a space (XML 1.0 §3.3.3).
	modeAttr
	// modeMarkup is the inside of a comment, PI or DOCTYPE: like
	// modeCDATA, but encoding/xml does not validate these characters, so
	// refusing them is one of the stricter rules.
	modeMarkup
)

// decodeText validates d.data[start:end] and returns its value in the
// given mode. When nothing needs decoding the result is a sub-slice of the
// input with its capacity clipped, so that appending to it cannot write
// into the input; otherwise it is a new slice. Either way it never changes.
// While Skip runs, and the value is not an attribute's (which may declare
// a namespace), the text is only checked and the result is nil.
//
// Plain bytes are skipped eight at a time (see special); only bytes that
// may need work are looked at one by one, and only bytes >= 0x80 are
// decoded as UTF-8.
func (d *Decoder) decodeText(start, end int, mode textMode) ([]byte, error) {
	s := d.data[:end]
	build := !d.discard || mode == modeAttr
	var out []byte // nil until the value differs from the input
	copied := start
	for i := start; ; {
		i = nextSpecial(s, i)
		if i >= end {
			break
		}
		// Either i moves past a character that stays, or s[i:i+n]
		// is replaced by r.
		var r rune
		n := 1
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			if n = charLen(s, i); n == 0 {
				return nil, d.badChar(i, mode)
			}
			i += n
			continue
		case c == '\t' || c == '\n':
			if mode != modeAttr {
				i++
				continue
			}
			r = ' '
		case c == '\r':
			// \r\n and a lone \r are one line end (XML 1.0 §2.11).
			r = '\n'
			if mode == modeAttr {
				r = ' '
			}
			if i+1 < end && s[i+1] == '\n' {
				n = 2
			}
		case c == '&' && (mode == modeText || mode == modeAttr):
			var err error
			if r, n, err = d.reference(i, end); err != nil {
				return nil, err
			}
		case c == ']' && mode == modeText:
			if i+2 < end && s[i+1] == ']' && s[i+2] == '>' {
				return nil, d.fail(i, "]]> outside a CDATA section")
			}
			i++
			continue
		case c == '&' || c == ']':
			i++
			continue
		default:
			return nil, d.badChar(i, mode)
		}
		if build {
			if out == nil {
				// Decoding only ever shrinks the input, so one
				// allocation is enough.
				out = make([]byte, 0, end-start)
			}
			out = utf8.AppendRune(append(out, s[copied:i]...), r)
		}
		i += n
		copied = i
	}
	switch {
	case !build:
		return nil, nil
	case out == nil:
		return s[start:end:end], nil
	}
	return append(out, s[copied:end]...), nil
}

// badChar reports the invalid character at i.
func (d *Decoder) badChar(i int, mode textMode) error {
	r := ruleNone
	if mode == modeMarkup {
		r = ruleChar
	}
	if c := d.data[i]; c < utf8.RuneSelf {
		return d.failRule(r, i, "illegal character %U", rune(c))
	}
	if rr, n := utf8.DecodeRune(d.data[i:]); rr != utf8.RuneError || n > 1 {
		return d.failRule(r, i, "illegal character %U", rr)
	}
	return d.failRule(r, i, "invalid UTF-8")
}

// predefined maps the five entities XML predefines to their characters.
func predefined(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	return 0, false
}

// reference decodes the entity or character reference at d.data[i] ('&'),
// which must end before end. It returns the character and the length of
// the reference. No entity other than the five predefined ones exists:
// nothing is ever declared, let alone expanded.
func (d *Decoder) reference(i, end int) (rune, int, error) {
	s := d.data[:end]
	j := i + 1
	if j < end && s[j] == '#' {
		return d.charRef(i, end)
	}
	k := nameEnd(s, j)
	if k == j || k >= end || s[k] != ';' {
		return 0, 0, d.fail(i, "malformed entity reference")
	}
	r, ok := predefined(s[j:k])
	if !ok {
		return 0, 0, d.fail(i, "unknown entity &%s;", s[j:k])
	}
	return r, k + 1 - i, nil
}

// charRef decodes the character reference &#N; or &#xN; at d.data[i].
func (d *Decoder) charRef(i, end int) (rune, int, error) {
	s := d.data[:end]
	j := i + 2
	base := rune(10)
	if j < end && s[j] == 'x' {
		base = 16
		j++
	}
	var r rune
	first := j
	for ; j < end; j++ {
		v := rune(digitValue(s[j]))
		if v >= base {
			break
		}
		// Clamp instead of overflowing: the value is refused anyway.
		r = min(r*base+v, utf8.MaxRune+1)
	}
	if j == first || j >= end || s[j] != ';' {
		return 0, 0, d.fail(i, "malformed character reference")
	}
	if !isChar(r) {
		if r >= 0xD800 && r <= 0xDFFF {
			// encoding/xml turns these into U+FFFD.
			return 0, 0, d.failRule(ruleChar, i, "character reference to surrogate %U", r)
		}
		return 0, 0, d.fail(i, "character reference to illegal character %U", r)
	}
	return r, j + 1 - i, nil
}

// digitValue returns the value of the hexadecimal digit c, or 16.
func digitValue(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 16
}
