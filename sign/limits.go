package sign

import "github.com/avsandare/mm/internal/xmltok"

// Limits bound what Verify reads from outside input. Within them, Verify
// decides any document in time and memory linear in its size: nothing it
// does costs more per element, attribute or namespace declaration as the
// document grows.
type Limits struct {
	// MaxBytes is the largest document accepted (default 16 MiB; one
	// delivery is at most 2 MB on the wire).
	MaxBytes int
	// MaxDepth is the deepest element nesting accepted (default 64; the
	// profile's documents nest about 10 deep inside a SOAP envelope).
	MaxDepth int
	// MaxElements is the most elements accepted (default 500 000).
	MaxElements int
	// MaxAttrs is the most attributes, namespace declarations included,
	// one element may carry (default 256; a SOAP envelope declaring every
	// namespace of a delivery carries about ten).
	MaxAttrs int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 16 << 20
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxElements <= 0 {
		l.MaxElements = 500_000
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = xmltok.DefaultMaxAttrs
	}
	return l
}
