package xmltok

import (
	"bytes"
	"encoding/xml"
	"io"
)

// Options bound what a Decoder accepts.
type Options struct {
	// MaxDepth is the deepest element nesting accepted (default 256).
	MaxDepth int
	// MaxAttrs is the most attributes, namespace declarations included,
	// one start tag may carry (default 256).
	MaxAttrs int
}

// DefaultMaxDepth is the nesting limit used when Options.MaxDepth is not
// positive.
const DefaultMaxDepth = 256

// DefaultMaxAttrs is the attribute limit used when Options.MaxAttrs is not
// positive. Real documents carry a handful per element (a SOAP envelope
// declaring its namespaces a dozen); the limit keeps what one start tag can
// make a caller store small, whatever the caller does per attribute.
const DefaultMaxAttrs = 256

// bom is the UTF-8 byte order mark, which may precede a document.
const bom = "\xEF\xBB\xBF"

// Decoder reads the tokens of one XML document held in memory. It is not
// safe for concurrent use.
type Decoder struct {
	data     []byte
	pos      int // where the next token starts
	start    int // where the document starts: after a byte order mark
	maxDepth int
	maxAttrs int
	err      error // sticky: io.EOF once done, or the first error

	stack       []open
	ns          scope
	seen        map[xml.Name]struct{} // checkDuplicates' set, reused
	raw         []rawAttr             // the start tag being read
	attrs       []xml.Attr
	names       stringCache
	values      stringCache
	tokens      tokenCache
	pendingEnd  bool // the last token was the start of an empty element
	rootSeen    bool
	doctypeSeen bool
	discard     bool // Skip is running: tokens are checked but not built
}

// NewDecoder returns a Decoder reading data, which must not be modified
// while the Decoder or any token it returned is in use.
func NewDecoder(data []byte, opts Options) *Decoder {
	d := &Decoder{
		data:     data,
		maxDepth: opts.MaxDepth,
		maxAttrs: opts.MaxAttrs,
	}
	if d.maxDepth <= 0 {
		d.maxDepth = DefaultMaxDepth
	}
	if d.maxAttrs <= 0 {
		d.maxAttrs = DefaultMaxAttrs
	}
	if bytes.HasPrefix(data, []byte(bom)) {
		d.pos = len(bom)
		d.start = len(bom)
	}
	return d
}

// InputOffset returns the byte offset just past the most recently returned
// token, which is where the next token starts.
func (d *Decoder) InputOffset() int64 { return int64(d.pos) }

// Token returns the next token: xml.StartElement, xml.EndElement,
// xml.CharData, xml.Comment, xml.ProcInst or xml.Directive, with names
// resolved as encoding/xml's Token resolves them. At the end of a
// well-formed document it returns io.EOF. After any error it returns that
// error again.
//
// CharData, Comment, ProcInst.Inst and Directive bytes are either
// sub-slices of the input or new slices; neither is ever overwritten, so
// unlike encoding/xml's they stay valid after the next call. They must not
// be modified.
func (d *Decoder) Token() (xml.Token, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.pendingEnd {
		d.pendingEnd = false
		return d.pop(), nil
	}
	s := d.data
	if d.pos >= len(s) {
		return nil, d.atEOF()
	}
	if s[d.pos] != '<' {
		if len(d.stack) == 0 {
			return d.spaceOutside()
		}
		return d.text()
	}
	if d.pos+1 >= len(s) {
		return nil, d.fail(d.pos, "unexpected end of input after <")
	}
	switch s[d.pos+1] {
	case '/':
		return d.endTag()
	case '?':
		return d.procInst()
	case '!':
		return d.bang()
	}
	return d.startTag()
}

// ElementPrefix returns the prefix of the element whose StartElement Token
// returned last, as written in its start tag ("" when it has none), until
// the next call to Token. Resolved names carry only the namespace; a caller
// that must know which declaration a prefix came from, such as a
// canonicaliser telling declarations elements use from the others, asks
// here.
func (d *Decoder) ElementPrefix() string {
	if len(d.stack) == 0 {
		return ""
	}
	qn := d.stack[len(d.stack)-1].qname(d.data)
	if i := bytes.IndexByte(qn, ':'); i > 0 {
		return d.intern(qn[:i])
	}
	return ""
}

// Skip reads tokens until the end of the element most recently started,
// as encoding/xml's Skip does. It checks everything it skips just as Token
// would, but builds no attribute values or text.
func (d *Decoder) Skip() error {
	d.discard = true
	defer func() { d.discard = false }()
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

func (d *Decoder) atEOF() error {
	switch {
	case len(d.stack) > 0:
		return d.fail(d.pos, "unexpected end of input inside <%s>", d.stack[len(d.stack)-1].qname(d.data))
	case !d.rootSeen:
		return d.failRule(ruleStructure, d.pos, "no root element")
	}
	d.err = io.EOF
	return io.EOF
}

// text reads character data inside the root element: everything up to the
// next '<'. Like encoding/xml it returns the whole run as one token.
func (d *Decoder) text() (xml.Token, error) {
	end := len(d.data)
	if n := bytes.IndexByte(d.data[d.pos:], '<'); n >= 0 {
		end = d.pos + n
	}
	return d.charData(end)
}

// spaceOutside reads the text before or after the root element, which may
// only be white space: no references, no other characters.
func (d *Decoder) spaceOutside() (xml.Token, error) {
	end := skipSpace(d.data, d.pos)
	if end < len(d.data) && d.data[end] != '<' {
		return nil, d.failRule(ruleStructure, end, "text outside the root element")
	}
	return d.charData(end)
}

// charData returns the text from d.pos to end. Indentation, the most
// common text of all, comes from the token cache.
func (d *Decoder) charData(end int) (xml.Token, error) {
	if end-d.pos <= maxCachedSpace && isIndent(d.data[d.pos:end]) {
		text := d.data[d.pos:end:end]
		d.pos = end
		return d.tokens.charData(text), nil
	}
	text, err := d.decodeText(d.pos, end, modeText)
	if err != nil {
		return nil, err
	}
	d.pos = end
	return xml.CharData(text), nil
}

// maxCachedSpace is the longest run of white space returned through the
// token cache: indentation, not blank pages.
const maxCachedSpace = 64

// isIndent reports whether s is white space needing no line-end
// normalisation.
func isIndent(s []byte) bool {
	for _, c := range s {
		if c != ' ' && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}
