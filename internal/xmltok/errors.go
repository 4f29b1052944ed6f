package xmltok

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every error the Decoder returns for input it
// refuses, whether the input is not well-formed XML or breaks one of the
// stricter rules listed in the package documentation.
var ErrSyntax = errors.New("xml syntax error")

// SyntaxError tells where and why the input was refused. It unwraps to
// ErrSyntax.
type SyntaxError struct {
	// Offset is the byte offset in the input of the construct at fault.
	Offset int64
	// Msg says what is wrong, in lower case.
	Msg string
	// rule names the rule broken where encoding/xml would have accepted
	// the input; the differential fuzz test checks every such refusal
	// against it. It is zero for plain syntax errors.
	rule rule
}

// Error says where and what, as "xml syntax error at offset N: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("xml syntax error at offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// rule is a way in which xmltok is stricter than encoding/xml in Strict
// mode: a refusal for one of these reasons may meet input encoding/xml
// accepts.
type rule uint8

const (
	ruleNone rule = iota
	// ruleStructure: not exactly one root element; text, CDATA or
	// references outside it; a DOCTYPE that is not the one before the
	// root; markup declarations other than DOCTYPE; an XML declaration
	// anywhere but at the start.
	ruleStructure
	// ruleNamespace: an undeclared prefix, a name that is not a QName
	// (":a", "a:"), an empty prefix declaration, the reserved xml and
	// xmlns prefixes or namespace names misused, a colon in a PI target.
	ruleNamespace
	// ruleDuplicateAttr: two attributes with the same expanded name.
	ruleDuplicateAttr
	// ruleSpace: no white space between attributes, between a PI target
	// and its content, or after <!DOCTYPE.
	ruleSpace
	// ruleChar: invalid UTF-8 or a character outside XML's Char range in
	// a comment, PI or DOCTYPE, or a character reference to a surrogate.
	ruleChar
	// ruleDecl: an XML declaration that does not follow the grammar
	// (version 1.0 required, encoding UTF-8 if present, standalone yes or
	// no, in that order).
	ruleDecl
	// ruleDepth: elements nest deeper than Options.MaxDepth.
	ruleDepth
	// ruleAttrs: a start tag with more than Options.MaxAttrs attributes.
	ruleAttrs
)

// fail records a plain syntax error at offset off and returns it; the
// decoder returns the same error from then on.
func (d *Decoder) fail(off int, format string, a ...any) error {
	return d.failRule(ruleNone, off, format, a...)
}

// failRule is fail for a refusal where encoding/xml is more lenient.
func (d *Decoder) failRule(r rule, off int, format string, a ...any) error {
	d.err = &SyntaxError{Offset: int64(off), Msg: fmt.Sprintf(format, a...), rule: r}
	return d.err
}
