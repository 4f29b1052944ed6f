package xmltok

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// bang reads the markup at d.pos that starts with "<!": a comment, a CDATA
// section or a DOCTYPE.
func (d *Decoder) bang() (xml.Token, error) {
	rest := d.data[d.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return d.comment()
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		return d.cdata()
	case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		return d.doctype()
	case len(rest) > 2 && (rest[2] == '-' || rest[2] == '['):
		// encoding/xml refuses these too: they are no directive.
		return nil, d.fail(d.pos, "invalid markup %q", rest[:min(len(rest), 4)])
	}
	// <!ENTITY and the like belong in a DOCTYPE's internal subset;
	// encoding/xml returns them as directives wherever they stand.
	return nil, d.failRule(ruleStructure, d.pos, "markup declaration outside a DOCTYPE")
}

// comment reads "<!-- ... -->". Like encoding/xml it refuses "--" inside;
// unlike it, it also checks the characters and normalises line ends.
func (d *Decoder) comment() (xml.Token, error) {
	start := d.pos + len("<!--")
	n := bytes.Index(d.data[start:], []byte("--"))
	if n < 0 {
		return nil, d.fail(d.pos, "unterminated comment")
	}
	end := start + n
	if end+2 >= len(d.data) {
		return nil, d.fail(d.pos, "unterminated comment")
	}
	if d.data[end+2] != '>' {
		return nil, d.fail(end, "-- inside a comment")
	}
	text, err := d.decodeText(start, end, modeMarkup)
	if err != nil {
		return nil, err
	}
	d.pos = end + len("-->")
	return xml.Comment(text), nil
}

// cdata reads "<![CDATA[ ... ]]>", which only the root element may hold.
func (d *Decoder) cdata() (xml.Token, error) {
	if len(d.stack) == 0 {
		return nil, d.failRule(ruleStructure, d.pos, "misplaced CDATA section: outside the root element")
	}
	start := d.pos + len("<![CDATA[")
	n := bytes.Index(d.data[start:], []byte("]]>"))
	if n < 0 {
		return nil, d.fail(d.pos, "unterminated CDATA section")
	}
	text, err := d.decodeText(start, start+n, modeCDATA)
	if err != nil {
		return nil, err
	}
	d.pos = start + n + len("]]>")
	return xml.CharData(text), nil
}

// procInst reads "<?target ...?>". The XML declaration is one of these to
// encoding/xml, so it is returned as one too, after a stricter check.
func (d *Decoder) procInst() (xml.Token, error) {
	s := d.data
	tStart := d.pos + 2
	tEnd, ok := scanName(s, tStart)
	target := s[tStart:tEnd]
	if !ok {
		return nil, d.fail(tStart, "invalid processing instruction target %q", target)
	}
	if bytes.IndexByte(target, ':') >= 0 {
		return nil, d.failRule(ruleNamespace, tStart, "colon in processing instruction target %q", target)
	}
	isDecl := string(target) == "xml" && d.pos == d.start
	if !isDecl && strings.EqualFold(string(target), "xml") {
		return nil, d.failRule(ruleDecl, d.pos, "processing instruction target %s is reserved for the XML declaration at the start", target)
	}
	i := tEnd
	if !bytes.HasPrefix(s[i:], []byte("?>")) {
		if i >= len(s) || !isSpace(s[i]) {
			return nil, d.failRule(ruleSpace, i, "no white space after processing instruction target %s", target)
		}
		i = skipSpace(s, i)
	}
	n := bytes.Index(s[i:], []byte("?>"))
	if n < 0 {
		return nil, d.fail(d.pos, "unterminated processing instruction %s", target)
	}
	inst, err := d.decodeText(i, i+n, modeMarkup)
	if err != nil {
		return nil, err
	}
	if isDecl {
		if err := d.checkDecl(i, s[i:i+n]); err != nil {
			return nil, err
		}
	}
	d.pos = i + n + len("?>")
	return xml.ProcInst{Target: d.intern(target), Inst: inst}, nil
}

// checkDecl checks the XML declaration's content (from offset off) against
// XML 1.0 §2.8: version 1.0, then optionally an encoding, which must be
// UTF-8 since that is all this package reads, then optionally standalone.
func (d *Decoder) checkDecl(off int, inst []byte) error {
	p := declParser{s: inst}
	if ok, err := d.declValue(off, &p, "version"); !ok {
		if err == nil {
			err = d.failRule(ruleDecl, off, "missing version in XML declaration")
		}
		return err
	}
	for _, name := range [...]string{"encoding", "standalone"} {
		save := p.i
		if !p.space() || p.atEnd() {
			break
		}
		if ok, err := d.declValue(off, &p, name); err != nil {
			return err
		} else if !ok {
			p.i = save // it is optional: try the next one
		}
	}
	p.space()
	if !p.atEnd() {
		return d.failRule(ruleDecl, off+p.i, "unexpected %q in XML declaration", p.s[p.i:])
	}
	return nil
}

// declValue reads the pseudo-attribute name if it comes next, and checks
// its value.
func (d *Decoder) declValue(off int, p *declParser, name string) (bool, error) {
	at := off + p.i
	value, ok := p.pseudoAttr(name)
	switch {
	case !ok:
		return false, nil
	case name == "version" && value != "1.0":
		return false, d.failRule(ruleDecl, at, "unsupported XML version %q", value)
	case name == "encoding" && !strings.EqualFold(value, "UTF-8"):
		return false, d.failRule(ruleDecl, at, "unsupported encoding %q; only UTF-8 is read", value)
	case name == "standalone" && value != "yes" && value != "no":
		return false, d.failRule(ruleDecl, at, "invalid standalone value %q", value)
	}
	return true, nil
}

// declParser reads the pseudo-attributes of an XML declaration.
type declParser struct {
	s []byte
	i int
}

func (p *declParser) atEnd() bool { return p.i == len(p.s) }

func (p *declParser) space() bool {
	j := skipSpace(p.s, p.i)
	ok := j > p.i
	p.i = j
	return ok
}

// pseudoAttr reads name = "value" if name comes next; it leaves the
// position alone if not.
func (p *declParser) pseudoAttr(name string) (string, bool) {
	if !bytes.HasPrefix(p.s[p.i:], []byte(name)) {
		return "", false
	}
	j := skipSpace(p.s, p.i+len(name))
	if j >= len(p.s) || p.s[j] != '=' {
		return "", false
	}
	j = skipSpace(p.s, j+1)
	if j >= len(p.s) || p.s[j] != '"' && p.s[j] != '\'' {
		return "", false
	}
	n := bytes.IndexByte(p.s[j+1:], p.s[j])
	if n < 0 {
		return "", false
	}
	p.i = j + 1 + n + 1
	return string(p.s[j+1 : j+1+n]), true
}
