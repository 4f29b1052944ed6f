package fakeinfra

import (
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// WithRoundTrip makes every connection to the fake's servers behave as if
// the server were rtt away: each byte reaches the server rtt/2 after the
// client sent it, and each byte of the answer reaches the client rtt/2
// after the server wrote it. The delay is on the wire, not in the handler,
// so everything that crosses the network pays it as it would: a TLS
// handshake costs its round trips, a request its round trip, and a client
// that waits for an interim answer ("Expect: 100-continue") one more.
// Order and throughput are kept: bytes are delayed, not slowed. The TCP
// handshake itself is not delayed (the kernel answers it), so a new
// connection costs one round trip less than on a real network. 0, the
// default, adds no delay. In a Config it is roundTrip ("50ms").
func WithRoundTrip(rtt time.Duration) Option {
	return func(s *settings) error {
		if rtt < 0 {
			return fmt.Errorf("fakeinfra: round trip %s is negative", rtt)
		}
		s.roundTrip = rtt
		return nil
	}
}

// delayListener hands out connections whose bytes are delayed by oneWay
// in each direction.
type delayListener struct {
	net.Listener
	oneWay time.Duration
}

func (l delayListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newDelayConn(c, l.oneWay), nil
}

// chunk is bytes on the emulated wire, with the time they arrive at the
// other end.
type chunk struct {
	data []byte
	due  time.Time
}

// wireQueue bounds the chunks in flight one way on one connection: a full
// queue stops the reading side, so that a fast sender meets TCP's back
// pressure as on a real link instead of filling memory.
const wireQueue = 64

// lingerOnClose is how long, beyond the delay, bytes written before a
// Close may take to leave.
const lingerOnClose = 10 * time.Second

// delayConn delays what the server reads and what it writes. A pump reads
// the socket as fast as bytes come and stamps each chunk with its arrival
// time plus the delay; Read hands a chunk over once it is due. Write
// stamps a copy and returns; a second goroutine writes each chunk to the
// socket once due. Close lets the written chunks out before it closes the
// socket, as the kernel sends what was written before a close.
type delayConn struct {
	net.Conn
	oneWay time.Duration

	in      chan chunk // filled by pump, closed at the socket's end
	inErr   error      // why the socket's end came; read after in is closed
	head    *chunk     // a chunk taken from in, not yet due
	pending []byte     // the rest of a due chunk
	rd      deadline

	out      chan chunk
	outErr   error // set by flush, under outMu
	outMu    sync.Mutex
	closing  chan struct{}
	closeOne sync.Once
	flushed  chan struct{}
}

func newDelayConn(c net.Conn, oneWay time.Duration) *delayConn {
	d := &delayConn{
		Conn: c, oneWay: oneWay,
		in: make(chan chunk, wireQueue), out: make(chan chunk, wireQueue),
		closing: make(chan struct{}), flushed: make(chan struct{}),
	}
	d.rd.init()
	go d.pump()
	go d.flush()
	return d
}

// pump reads the socket into stamped chunks until it fails.
func (d *delayConn) pump() {
	defer close(d.in)
	for {
		buf := make([]byte, 32<<10)
		n, err := d.Conn.Read(buf)
		if n > 0 {
			select {
			case d.in <- chunk{data: buf[:n:n], due: time.Now().Add(d.oneWay)}:
			case <-d.closing:
				d.inErr = net.ErrClosed
				return
			}
		}
		if err != nil {
			d.inErr = err
			return
		}
	}
}

// Read returns bytes that are due, waiting for them until the read
// deadline.
func (d *delayConn) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.head == nil {
			expired, changed := d.rd.state()
			select {
			case c, ok := <-d.in:
				if !ok {
					return 0, d.inErr
				}
				d.head = &c
			case <-expired:
				return 0, d.expiredErr()
			case <-changed:
				continue
			}
		}
		if err := d.waitDue(d.head.due); err != nil {
			return 0, err
		}
		d.pending, d.head = d.head.data, nil
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// waitDue waits until due, or fails when the read deadline passes first.
func (d *delayConn) waitDue(due time.Time) error {
	for {
		wait := time.Until(due)
		if wait <= 0 {
			return nil
		}
		expired, changed := d.rd.state()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
			return nil
		case <-expired:
			t.Stop()
			return d.expiredErr()
		case <-changed:
			t.Stop()
		}
	}
}

// expiredErr is why a Read stopped waiting: the connection closed, or its
// deadline passed.
func (d *delayConn) expiredErr() error {
	select {
	case <-d.closing:
		return net.ErrClosed
	default:
		return os.ErrDeadlineExceeded
	}
}

// Write queues a copy of p to leave rtt/2 from now.
func (d *delayConn) Write(p []byte) (int, error) {
	d.outMu.Lock()
	err := d.outErr
	d.outMu.Unlock()
	if err != nil {
		return 0, err
	}
	select {
	case <-d.closing:
		return 0, net.ErrClosed
	default:
	}
	c := chunk{data: append([]byte(nil), p...), due: time.Now().Add(d.oneWay)}
	select {
	case d.out <- c:
		return len(p), nil
	case <-d.closing:
		return 0, net.ErrClosed
	}
}

// flush writes each queued chunk once due; after Close, what was queued
// goes out before the socket closes.
func (d *delayConn) flush() {
	defer close(d.flushed)
	defer d.Conn.Close()
	for {
		select {
		case c := <-d.out:
			d.send(c)
		case <-d.closing:
			// A peer that stops reading must not hold the goroutine
			// for ever: give the queued bytes a while, as a kernel
			// would, then drop them.
			_ = d.Conn.SetWriteDeadline(time.Now().Add(d.oneWay + lingerOnClose))
			for {
				select {
				case c := <-d.out:
					d.send(c)
				default:
					return
				}
			}
		}
	}
}

func (d *delayConn) send(c chunk) {
	if wait := time.Until(c.due); wait > 0 {
		time.Sleep(wait)
	}
	d.outMu.Lock()
	defer d.outMu.Unlock()
	if d.outErr != nil {
		return
	}
	if _, err := d.Conn.Write(c.data); err != nil {
		d.outErr = err
	}
}

// Close closes the connection once what was written has left.
func (d *delayConn) Close() error {
	err := net.ErrClosed
	d.closeOne.Do(func() {
		err = nil
		close(d.closing)
		d.rd.set(time.Now()) // a Read waiting for bytes returns
	})
	return err
}

// SetDeadline sets the read deadline; writes never block on the network
// here (they are queued), so the write deadline has nothing to bound.
func (d *delayConn) SetDeadline(t time.Time) error { d.rd.set(t); return nil }

// SetReadDeadline bounds Read, as on a socket.
func (d *delayConn) SetReadDeadline(t time.Time) error { d.rd.set(t); return nil }

// SetWriteDeadline is accepted and has no effect: Write queues.
func (d *delayConn) SetWriteDeadline(time.Time) error { return nil }

// deadline is a read deadline that a waiting Read notices when it passes
// or changes.
type deadline struct {
	mu      sync.Mutex
	timer   *time.Timer
	expired chan struct{} // closed when the deadline passes
	changed chan struct{} // closed when the deadline is set again
}

func (dl *deadline) init() {
	dl.expired, dl.changed = make(chan struct{}), make(chan struct{})
}

// state returns the channels of the deadline in force.
func (dl *deadline) state() (expired, changed <-chan struct{}) {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	return dl.expired, dl.changed
}

// set moves the deadline; the zero time means none.
func (dl *deadline) set(t time.Time) {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	if dl.timer != nil {
		dl.timer.Stop()
	}
	close(dl.changed)
	dl.changed = make(chan struct{})
	expired := make(chan struct{})
	dl.expired = expired
	switch {
	case t.IsZero():
	case !t.After(time.Now()):
		close(expired)
	default:
		dl.timer = time.AfterFunc(time.Until(t), func() { close(expired) })
	}
}
