package xmlseq

// Error tells where a document left the sequence a Reader was asked to
// read, and why. Packages that read with a Reader give it their own form
// at their API: it is never meant to reach an SDK user as it is.
type Error struct {
	// Path is the element at fault, as /local/local/… names; "/" is the
	// document itself.
	Path string
	// Reason says what was expected or found, in lower case.
	Reason string
	// EOF is true when the input ended before the document did.
	EOF bool
}

// Error returns "at Path: Reason".
func (e *Error) Error() string { return "at " + e.Path + ": " + e.Reason }
