package xmltok

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// run is the token stream of one decoder over a document, with where each
// token starts and ends, and how the stream ended (nil for io.EOF).
type run struct {
	toks  []xml.Token
	start []int
	end   []int
	err   error
}

// tokenReader is what xmltok's and encoding/xml's decoders have in common.
type tokenReader interface {
	Token() (xml.Token, error)
	InputOffset() int64
}

// readAll reads tokens to the end. With copyTokens it copies each, for
// encoding/xml, whose later calls overwrite earlier tokens; xmltok's never
// do, and the fuzz test checks that by keeping them as they are.
func readAll(d tokenReader, copyTokens bool) run {
	var r run
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.err = err
			}
			return r
		}
		if tok == nil {
			// encoding/xml returns a nil token for an empty CDATA
			// section read before its buffer was first used.
			tok = xml.CharData{}
		}
		if copyTokens {
			tok = xml.CopyToken(tok)
		}
		r.toks = append(r.toks, tok)
		r.start = append(r.start, off)
		r.end = append(r.end, int(d.InputOffset()))
	}
}

// decodeAll reads data with a Decoder to the end.
func decodeAll(data []byte) run { return readAll(NewDecoder(data, Options{}), false) }

// stdDecodeAll reads data with encoding/xml's Token in Strict mode, as the
// callers did before xmltok. A byte order mark, which encoding/xml returns
// as text and xmltok skips, is cut off the first token.
func stdDecodeAll(data []byte) run {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	r := readAll(d, true)
	if bytes.HasPrefix(data, []byte(bom)) && len(r.toks) > 0 {
		if cd, ok := r.toks[0].(xml.CharData); ok && bytes.HasPrefix(cd, []byte(bom)) {
			r.toks[0] = cd[len(bom):]
			r.start[0] += len(bom)
			if len(cd) == len(bom) {
				r.toks, r.start, r.end = r.toks[1:], r.start[1:], r.end[1:]
			}
		}
	}
	return r
}

// normalizeLineEnds turns \r\n and \r into \n, which xmltok does in
// comments, PIs and DOCTYPEs (XML 1.0 §2.11) and encoding/xml does not.
func normalizeLineEnds(b []byte) string {
	return strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
}

// sameAttrValue reports whether xmltok's value mine matches encoding/xml's
// std up to attribute-value normalisation (XML 1.0 §3.3.3), which xmltok
// does and encoding/xml does not: a literal tab, newline or line end is a
// space to xmltok and itself (a line end as \n) to encoding/xml. Both
// forms have one byte per such character, so they align byte for byte.
func sameAttrValue(std, mine string) bool {
	if len(std) != len(mine) {
		return false
	}
	for i := range len(std) {
		if std[i] != mine[i] && !(mine[i] == ' ' && (std[i] == '\t' || std[i] == '\n')) {
			return false
		}
	}
	return true
}

// sameName compares names up to attribute-value normalisation of the
// namespace URI, which is an attribute value too.
func sameName(std, mine xml.Name) bool {
	return std.Local == mine.Local && sameAttrValue(std.Space, mine.Space)
}

// diffToken describes how xmltok's token mine differs from encoding/xml's
// std beyond the documented differences, or returns "".
func diffToken(std, mine xml.Token) string {
	switch s := std.(type) {
	case xml.StartElement:
		m, ok := mine.(xml.StartElement)
		if !ok || !sameName(s.Name, m.Name) || len(m.Attr) != len(s.Attr) {
			return fmt.Sprintf("want %#v, got %#v", std, mine)
		}
		for i, a := range s.Attr {
			if !sameName(a.Name, m.Attr[i].Name) || !sameAttrValue(a.Value, m.Attr[i].Value) {
				return fmt.Sprintf("attribute %d: want %#v, got %#v", i, a, m.Attr[i])
			}
		}
		return ""
	case xml.EndElement:
		if m, ok := mine.(xml.EndElement); !ok || !sameName(s.Name, m.Name) {
			return fmt.Sprintf("want %#v, got %#v", std, mine)
		}
		return ""
	case xml.ProcInst:
		if m, ok := mine.(xml.ProcInst); !ok || m.Target != s.Target || string(m.Inst) != normalizeLineEnds(s.Inst) {
			return fmt.Sprintf("want %#v, got %#v", std, mine)
		}
		return ""
	case xml.CharData, xml.Comment, xml.Directive:
		want := textOf(std)
		if _, ok := std.(xml.CharData); !ok {
			want = normalizeLineEnds([]byte(want))
		}
		if reflect.TypeOf(mine) != reflect.TypeOf(std) || textOf(mine) != want {
			return fmt.Sprintf("want %T %q, got %T %q", std, want, mine, textOf(mine))
		}
		return ""
	}
	return fmt.Sprintf("unexpected token %T from encoding/xml", std)
}

// textOf returns the bytes of a CharData, Comment or Directive.
func textOf(tok xml.Token) string {
	switch t := tok.(type) {
	case xml.CharData:
		return string(t)
	case xml.Comment:
		return string(t)
	case xml.Directive:
		return string(t)
	}
	return ""
}

// diffRuns compares the first n tokens of two streams.
func diffRuns(std, mine run, n int) string {
	for i := range n {
		if d := diffToken(std.toks[i], mine.toks[i]); d != "" {
			return fmt.Sprintf("token %d at offset %d: %s", i, mine.start[i], d)
		}
	}
	return ""
}

// explains reports whether the refusal e of a document encoding/xml
// accepted (as std) is one of the documented stricter rules, checked
// independently of the decoder wherever the rule can be.
func explains(e *SyntaxError, data []byte, std run) bool {
	off := int(e.Offset)
	switch e.rule {
	case ruleStructure:
		return breaksStructure(data, std)
	case ruleNamespace:
		return breaksNamespaces(data)
	case ruleDuplicateAttr:
		return hasDuplicateAttr(std)
	case ruleSpace:
		return off > 0 && off <= len(data) && !strings.ContainsRune(" \t\r\n", rune(data[off-1]))
	case ruleChar:
		return badCharAt(data, off)
	case ruleDecl:
		return inXMLTargetPI(std, off)
	case ruleDepth:
		return maxDepth(std) > DefaultMaxDepth
	case ruleAttrs:
		return maxAttrs(std) > DefaultMaxAttrs
	}
	return false
}

// breaksStructure reports whether std's document has other than exactly
// one root, anything but white space outside it, or a directive other than
// one DOCTYPE before it.
func breaksStructure(data []byte, std run) bool {
	depth, roots, doctypes := 0, 0, 0
	for i, tok := range std.toks {
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.Trim(data[std.start[i]:std.end[i]], " \t\r\n")) > 0 {
				return true
			}
		case xml.Directive:
			if depth > 0 || roots > 0 || doctypes > 0 || !bytes.HasPrefix(t, []byte("DOCTYPE")) {
				return true
			}
			doctypes++
		}
	}
	return roots != 1
}

// breaksNamespaces reports whether data, read with RawToken, uses an
// undeclared prefix, a name that is not a QName, or the reserved prefixes
// and namespace names in ways Namespaces in XML 1.0 forbids.
func breaksNamespaces(data []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var scopes [][]string // prefixes declared per open element
	declared := func(p string) bool {
		for _, s := range scopes {
			for _, q := range s {
				if q == p {
					return true
				}
			}
		}
		return false
	}
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var mine []string
			for _, a := range t.Attr {
				isDefault := a.Name.Space == "" && a.Name.Local == "xmlns"
				if a.Name.Space != "xmlns" && !isDefault {
					continue
				}
				p := a.Name.Local
				if isDefault {
					p = ""
				}
				if p == "xmlns" || (p == "xml") != (a.Value == xmlURL) || a.Value == xmlnsURL || p != "" && (a.Value == "" || a.Value == "xmlns") {
					return true
				}
				mine = append(mine, p)
			}
			scopes = append(scopes, mine)
			if t.Name.Space == "xmlns" || t.Name.Space == "" && t.Name.Local == "xmlns" || strings.Contains(t.Name.Local, ":") ||
				t.Name.Space != "" && t.Name.Space != "xml" && !declared(t.Name.Space) {
				return true
			}
			for _, a := range t.Attr {
				if strings.Contains(a.Name.Local, ":") ||
					a.Name.Space != "" && a.Name.Space != "xml" && a.Name.Space != "xmlns" && !declared(a.Name.Space) {
					return true
				}
			}
		case xml.EndElement:
			scopes = scopes[:len(scopes)-1]
		case xml.ProcInst:
			if strings.Contains(t.Target, ":") {
				return true
			}
		}
	}
}

func hasDuplicateAttr(std run) bool {
	for _, tok := range std.toks {
		if se, ok := tok.(xml.StartElement); ok {
			seen := map[xml.Name]bool{}
			for _, a := range se.Attr {
				// As xmltok sees the namespace URI: normalised.
				n := xml.Name{Space: strings.NewReplacer("\t", " ", "\n", " ").Replace(a.Name.Space), Local: a.Name.Local}
				if seen[n] {
					return true
				}
				seen[n] = true
			}
		}
	}
	return false
}

// badCharAt reports whether data holds at off a character reference to a
// surrogate, invalid UTF-8 or a character outside XML's Char production.
func badCharAt(data []byte, off int) bool {
	rest := data[off:]
	if v, ok := bytes.CutPrefix(rest, []byte("&#")); ok {
		base := 10
		if v, ok = bytes.CutPrefix(v, []byte("x")); ok {
			base = 16
		}
		num, _, _ := bytes.Cut(v, []byte(";"))
		n, err := strconv.ParseUint(string(num), base, 32)
		return err == nil && n >= 0xD800 && n <= 0xDFFF
	}
	r, n := utf8.DecodeRune(rest)
	if r == utf8.RuneError && n <= 1 {
		return n == 1
	}
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// inXMLTargetPI reports whether off lies in a PI whose target is xml in
// any case: a misplaced or malformed XML declaration.
func inXMLTargetPI(std run, off int) bool {
	for i, tok := range std.toks {
		if pi, ok := tok.(xml.ProcInst); ok && strings.EqualFold(pi.Target, "xml") && std.start[i] <= off && off < std.end[i] {
			return true
		}
	}
	return false
}

func maxDepth(std run) int {
	depth, most := 0, 0
	for _, tok := range std.toks {
		switch tok.(type) {
		case xml.StartElement:
			depth++
			most = max(most, depth)
		case xml.EndElement:
			depth--
		}
	}
	return most
}

// maxAttrs is the most attributes, declarations included, a start tag of
// std carries.
func maxAttrs(std run) int {
	most := 0
	for _, tok := range std.toks {
		if t, ok := tok.(xml.StartElement); ok {
			most = max(most, len(t.Attr))
		}
	}
	return most
}

// checkAgainstStd checks the differential rule: whatever xmltok accepts,
// encoding/xml (Strict) accepts with the same tokens, and whatever xmltok
// alone refuses breaks one of the documented stricter rules. Every token
// xmltok returns before an error must be one encoding/xml returns too.
func checkAgainstStd(t testingT, data []byte) {
	t.Helper()
	mine, std := decodeAll(data), stdDecodeAll(data)
	if len(mine.toks) > len(std.toks) {
		t.Fatalf("xmltok returned %d tokens where encoding/xml returned %d and then %v", len(mine.toks), len(std.toks), std.err)
	}
	if d := diffRuns(std, mine, len(mine.toks)); d != "" {
		t.Fatalf("%s", d)
	}
	if mine.err == nil {
		if std.err != nil {
			t.Fatalf("xmltok accepted what encoding/xml refuses: %v", std.err)
		}
		if len(mine.toks) != len(std.toks) {
			t.Fatalf("xmltok returned %d tokens, encoding/xml %d", len(mine.toks), len(std.toks))
		}
		return
	}
	var se *SyntaxError
	if !errors.As(mine.err, &se) || !errors.Is(mine.err, ErrSyntax) {
		t.Fatalf("error %v (%T) is not a *SyntaxError wrapping ErrSyntax", mine.err, mine.err)
	}
	if se.Offset < 0 || se.Offset > int64(len(data)) || se.Msg == "" {
		t.Fatalf("error %v: offset outside the input or no message", se)
	}
	if std.err == nil && (se.rule == ruleNone || !explains(se, data, std)) {
		t.Fatalf("xmltok refused what encoding/xml accepts, for no documented rule: %v (rule %d)", se, se.rule)
	}
}

// checkSkip checks that Skip over the root element ends where the root's
// end tag ends, or fails with the error Token reports inside it.
func checkSkip(t testingT, data []byte) {
	t.Helper()
	mine := decodeAll(data)
	root, end := -1, -1
	depth := 0
	for i, tok := range mine.toks {
		switch tok.(type) {
		case xml.StartElement:
			if root < 0 {
				root = i
			}
			depth++
		case xml.EndElement:
			if depth--; depth == 0 && end < 0 {
				end = i
			}
		}
	}
	if root < 0 {
		return
	}
	d := NewDecoder(data, Options{})
	for range root + 1 {
		if _, err := d.Token(); err != nil {
			t.Fatalf("token before the root: %v", err)
		}
	}
	err := d.Skip()
	switch {
	case end >= 0 && err != nil:
		t.Fatalf("Skip: %v, but Token read the root to offset %d", err, mine.end[end])
	case end >= 0 && d.InputOffset() != int64(mine.end[end]):
		t.Fatalf("Skip ended at %d, Token at %d", d.InputOffset(), mine.end[end])
	case end < 0 && (err == nil || err.Error() != mine.err.Error()):
		t.Fatalf("Skip: %v, Token: %v", err, mine.err)
	}
}

// testingT is what checkAgainstStd needs of *testing.T and *testing.F's T.
type testingT interface {
	Helper()
	Fatalf(format string, args ...any)
}
