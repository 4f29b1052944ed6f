package opverify

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// lineEnds returns raw with CRLF and lone CR as LF (XML 1.0 §2.11).
func lineEnds(raw []byte) (string, bool) {
	if bytes.IndexByte(raw, '\r') < 0 {
		return string(raw), false
	}
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), true
}

// decode resolves the references in raw text or an attribute value as
// xmerl does. In text, CRLF and CR become LF, and so does a reference to a
// carriage return (&#xD;, &#13;), which the XML specification would keep;
// cr reports whether one was read so. In an attribute value each literal
// tab, line feed or carriage return becomes a space (a CRLF two), and
// references keep their characters.
func decode(raw []byte, inAttr bool) (s string, cr bool, err error) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 && (!inAttr || !bytes.ContainsAny(raw, "\t\n")) {
		return string(raw), false, nil
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r' && inAttr:
			// xmerl makes each literal white-space character of an
			// attribute value a space, the two of a CRLF too.
			b.WriteByte(' ')
		case c == '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '\n' || c == '\t':
			if inAttr {
				c = ' '
			}
			b.WriteByte(c)
		case c == '&':
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 {
				return "", false, fmt.Errorf("'&' without ';'")
			}
			ref := string(raw[i+1 : i+end])
			r, err := reference(ref)
			if err != nil {
				return "", false, err
			}
			if r == '\r' && !inAttr {
				r, cr = '\n', true
			}
			b.WriteRune(r)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), cr, nil
}

// reference resolves an entity or character reference (without & and ;).
func reference(ref string) (rune, error) {
	switch ref {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "apos":
		return '\'', nil
	case "quot":
		return '"', nil
	}
	if !strings.HasPrefix(ref, "#") {
		return 0, fmt.Errorf("entity &%s; is not declared", head([]byte(ref)))
	}
	base, digits := 10, ref[1:]
	if strings.HasPrefix(digits, "x") {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || digits == "" || digits[0] == '+' || !isChar(rune(n)) {
		return 0, fmt.Errorf("&%s; is not a reference to an XML character", head([]byte(ref)))
	}
	return rune(n), nil
}

func isChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
