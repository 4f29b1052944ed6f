package journal

import "sync"

// Gate keeps a journal's calls and its Close apart, for implementations:
// calls run while it is open, Close waits for the calls in progress, and a
// call after Close fails with ErrClosed. The zero Gate is open.
type Gate struct {
	mu     sync.RWMutex // held for reading while a call uses the journal
	closed bool
}

// Enter marks a call in progress until release is called; it fails with
// ErrClosed once Close has run.
func (g *Gate) Enter() (release func(), err error) {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return nil, ErrClosed
	}
	return g.mu.RUnlock, nil
}

// Close waits for the calls in progress, then runs shut, which releases
// what the journal holds; later calls fail. A second Close returns
// ErrClosed and runs nothing.
func (g *Gate) Close(shut func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ErrClosed
	}
	g.closed = true
	return shut()
}
