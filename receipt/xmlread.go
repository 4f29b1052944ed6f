package receipt

import (
	"encoding/xml"
	"errors"
	"strings"

	"github.com/avsandare/mm/internal/xmlseq"
	"github.com/avsandare/mm/safetext"
)

// Limits on what an answer may hold, so that a hostile or broken operator
// cannot make the parser hold much: a sender's delivery has one recipient,
// and every leaf is an ID, a flag or a short name.
const (
	maxStatuses = 1000
	maxLeafText = 1024
)

// xreader reads an answer's elements in the order its XSD sequences
// prescribe; the typed leaves of the answers hang on it.
type xreader struct{ *xmlseq.Reader }

// newXReader reads from d, which stands inside the elements named by within.
func newXReader(d *xml.Decoder, within ...string) xreader {
	return xreader{xmlseq.New(d, xmlseq.Options{MaxText: maxLeafText, Within: within})}
}

// parseError gives an error of the reader this package's form, a
// *ParseError.
func parseError(err error) error {
	if e, ok := errors.AsType[*xmlseq.Error](err); ok {
		return &ParseError{Path: e.Path, Reason: e.Reason}
	}
	return err
}

// boolean reads an xs:boolean leaf.
func (r xreader) boolean(ns, local string) (bool, error) {
	s, err := r.Leaf(ns, local)
	if err != nil {
		return false, err
	}
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, r.ChildErrorf(local, "want true or false, got %q", short(s))
}

// recipientID reads a RecipientId leaf: twelve digits.
func (r xreader) recipientID(ns string) (string, error) {
	s, err := r.Leaf(ns, "RecipientId")
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		// The value may be a personal number with a typo: never print it.
		return "", r.ChildErrorf("RecipientId", "want 12 digits")
	}
	return s, nil
}

func short(s string) string {
	s = safetext.Clean(s) // before the cut, which could halve a personal number
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}
