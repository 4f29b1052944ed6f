package message

import (
	"errors"
	"fmt"

	"github.com/avsandare/mm/internal/xmlseq"
	"github.com/avsandare/mm/internal/xmltok"
)

// ErrMalformed is wrapped by every error of the wire-form parsers.
var ErrMalformed = errors.New("malformed wire form")

// reader walks the wire form in the order its XSD sequences prescribe; the
// methods of this package's parsers hang on it.
type reader struct{ *xmlseq.Reader }

// maxDepth bounds nesting; the deepest element of the wire form is about 8
// levels down.
const maxDepth = 64

// inMemory is how the parsers read a document from memory: with xmltok,
// whose text aliases the immutable input, so that base64 leaves are read
// without a copy. It returns xmlseq.New's arguments, not the Reader, which
// would escape to the heap if a function returned it.
func inMemory(data []byte) (*xmltok.Decoder, xmlseq.Options) {
	return xmltok.NewDecoder(data, xmltok.Options{MaxDepth: maxDepth}), xmlseq.Options{Stable: true}
}

// wireError gives an error of the reader this package's form, "malformed
// wire form: at /path: reason", wrapping ErrMalformed.
func wireError(err error) error {
	if e, ok := errors.AsType[*xmlseq.Error](err); ok {
		return fmt.Errorf("%w: at %s: %s", ErrMalformed, e.Path, e.Reason)
	}
	return err
}
