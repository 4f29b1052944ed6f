package xmltok

import (
	"bytes"
	"encoding/xml"
)

// doctype reads a document type declaration and returns it as an
// xml.Directive, for callers to refuse or ignore: nothing in it is
// processed, so no entity it declares is ever expanded. Its end is found
// as encoding/xml finds it (quotes, nested markup and comments taken into
// account) so that both return the same bytes: the text after "<!" with
// each comment replaced by a space.
func (d *Decoder) doctype() (xml.Token, error) {
	s := d.data
	switch {
	case len(d.stack) > 0 || d.rootSeen:
		return nil, d.failRule(ruleStructure, d.pos, "misplaced DOCTYPE: after the start of the root element")
	case d.doctypeSeen:
		return nil, d.failRule(ruleStructure, d.pos, "second DOCTYPE")
	}
	d.doctypeSeen = true
	start := d.pos + len("<!")
	i := start + len("DOCTYPE")
	if i >= len(s) || !isSpace(s[i]) {
		return nil, d.failRule(ruleSpace, i, "no white space after <!DOCTYPE")
	}
	var out []byte // nil unless a comment has to be cut out
	seg := start   // start of the text not yet appended to out
	depth := 0
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>' && depth == 0:
			var text []byte
			var err error
			if out == nil {
				text, err = d.decodeText(start, i, modeMarkup)
			} else {
				text, err = d.appendMarkup(out, seg, i)
			}
			if err != nil {
				return nil, err
			}
			d.pos = i + 1
			return xml.Directive(text), nil
		case c == '>':
			depth--
		case c == '<' && bytes.HasPrefix(s[i:], []byte("<!--")):
			n := bytes.Index(s[i+len("<!--"):], []byte("-->"))
			if n < 0 {
				return nil, d.fail(i, "unterminated comment in DOCTYPE")
			}
			end := i + len("<!--") + n
			var err error
			if out, err = d.appendMarkup(out, seg, i); err != nil {
				return nil, err
			}
			if _, err := d.decodeText(i+len("<!--"), end, modeMarkup); err != nil {
				return nil, err
			}
			out = append(out, ' ')
			i = end + len("-->") - 1
			seg = i + 1
		case c == '<':
			depth++
		}
	}
	return nil, d.fail(d.pos, "unterminated DOCTYPE")
}

// appendMarkup appends the checked and normalised d.data[start:end] to out.
func (d *Decoder) appendMarkup(out []byte, start, end int) ([]byte, error) {
	text, err := d.decodeText(start, end, modeMarkup)
	if err != nil {
		return nil, err
	}
	return append(out, text...), nil
}
