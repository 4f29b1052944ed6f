package safetext

// CleanError returns err with its text cleaned by Clean and its chain
// kept, so that errors.Is and errors.As see what they saw before; nil
// stays nil. It is for errors that may quote outside text — a document
// being read, a server's answer — on their way out of a package.
func CleanError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*cleaned); ok {
		return err
	}
	return &cleaned{err}
}

type cleaned struct{ err error }

func (e *cleaned) Error() string { return Clean(e.err.Error()) }
func (e *cleaned) Unwrap() error { return e.err }
