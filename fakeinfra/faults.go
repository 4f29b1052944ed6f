package fakeinfra

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/internal/soap"
)

// Fault is something that goes wrong at an endpoint. Make one with
// SOAPFault, CodelessFault, RawAnswer, HTTPStatus, Latency,
// ConnectionReset or Timeout and inject it with Infra.Inject.
type Fault struct {
	target    Endpoint
	kind      faultKind
	code      int
	status    int
	delay     time.Duration
	faultcode string // kindCodeless
	body      []byte // kindRaw
	text      string // kindSOAPFault: the description; empty for the default
}

type faultKind int

const (
	kindSOAPFault faultKind = iota
	kindHTTPStatus
	kindLatency
	kindReset
	kindTimeout
	kindCodeless
	kindRaw
)

// SOAPFault answers with a SOAP fault carrying code (HTTP 500), as the
// infrastructure does: 0–4999 technical, 5000–9999 application errors. The
// detail is the one the operation declares: applicationFault, or
// getSendersFault and getDispatchersFault at the Authority service.
func SOAPFault(target Endpoint, code int) Fault {
	return Fault{target: target, kind: kindSOAPFault, code: code}
}

// SOAPFaultText is SOAPFault with the description (and faultstring) a
// server writes: a careless or hostile one, to test what a client shows,
// logs and keeps of a server's text.
func SOAPFaultText(target Endpoint, code int, description string) Fault {
	return Fault{target: target, kind: kindSOAPFault, code: code, text: description}
}

// OperatorFault is SOAPFault at the named operator.
func OperatorFault(operator string, code int) Fault {
	return SOAPFault(OperatorEndpoint(operator), code)
}

// CodelessFault answers with a SOAP fault that carries no error code:
// faultcode as given ("soap:Server", "soap:Client"…), a faultstring, an
// empty detail, HTTP 500 — what a server's SOAP stack answers when
// something outside the contract fails (an unchecked exception, a
// database gone). How the SDK reads it is in package soap's Fault.
func CodelessFault(target Endpoint, faultcode string) Fault {
	return Fault{target: target, kind: kindCodeless, faultcode: faultcode}
}

// RawAnswer answers with body, as it is, as text/xml with the HTTP status
// given: for answers no other Fault makes, such as a fault whose
// ExceptionInformation cannot be read.
func RawAnswer(target Endpoint, status int, body []byte) Fault {
	return Fault{target: target, kind: kindRaw, status: status, body: bytes.Clone(body)}
}

// HTTPStatus answers with an HTTP status and an HTML page, as a proxy in
// front of a service does (502, 503, 504, 429…).
func HTTPStatus(target Endpoint, status int) Fault {
	return Fault{target: target, kind: kindHTTPStatus, status: status}
}

// Latency delays the call by d, then lets it through. A client that gives
// up, or the fake closing, cuts the wait short.
func Latency(target Endpoint, d time.Duration) Fault {
	return Fault{target: target, kind: kindLatency, delay: d}
}

// ConnectionReset breaks the connection without an answer.
func ConnectionReset(target Endpoint) Fault { return Fault{target: target, kind: kindReset} }

// Timeout holds the call without answering until the client gives up, ten
// minutes pass or the fake closes, then breaks the connection.
func Timeout(target Endpoint) Fault { return Fault{target: target, kind: kindTimeout} }

// FaultOption limits when an injected fault strikes.
type FaultOption func(*injected)

// Times makes the fault strike the first n matching calls only.
// Times(0) or less strikes no call.
func Times(n int) FaultOption { return func(f *injected) { f.times = &n } }

// Fraction makes the fault strike each matching call with probability p,
// drawn from the fake's seeded source.
// Fraction(0) strikes no call, Fraction(1) every one.
func Fraction(p float64) FaultOption { return func(f *injected) { f.fraction = &p } }

// For keeps the fault active for d of real time from its injection — an
// operator down for a while — then lets calls through again.
func For(d time.Duration) FaultOption { return func(f *injected) { f.until = time.Now().Add(d) } }

// AfterStore makes the fault strike after the operator has processed and
// stored the call, in place of its answer: the request landed, the answer
// was lost.
func AfterStore() FaultOption { return func(f *injected) { f.after = true } }

// Injected is a fault as injected, with a count of how often it struck.
type Injected struct {
	*injected
}

type injected struct {
	Fault
	mu       *sync.Mutex // the owning fake's faults.mu
	times    *int        // nil: no limit
	fraction *float64
	until    time.Time
	after    bool
	rng      *rand.Rand
	fired    int
}

// Fired is how many calls the fault struck.
func (f Injected) Fired() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fired
}

// faults are a fake's injected faults. Checking them is brief, so one lock
// serves every endpoint of the fake.
type faults struct {
	mu   sync.Mutex
	seed int64
	list []*injected
}

// Inject adds a fault. Faults are checked in the order injected; the first
// that strikes a call decides it.
func (i *Infra) Inject(f Fault, opts ...FaultOption) Injected {
	in := &injected{Fault: f, mu: &i.faults.mu}
	for _, o := range opts {
		o(in)
	}
	i.faults.mu.Lock()
	defer i.faults.mu.Unlock()
	n := uint64(len(i.faults.list))
	in.rng = rand.New(rand.NewPCG(uint64(i.faults.seed), n+1))
	i.faults.list = append(i.faults.list, in)
	return Injected{in}
}

// ClearFaults removes every injected fault.
func (i *Infra) ClearFaults() {
	i.faults.mu.Lock()
	defer i.faults.mu.Unlock()
	i.faults.list = nil
}

// strike returns the fault that strikes this call at ep, before or after
// processing, or nil.
func (fs *faults) strike(ep Endpoint, after bool) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.list {
		if f.target != ep || f.after != after {
			continue
		}
		if f.times != nil && f.fired >= *f.times {
			continue
		}
		if !f.until.IsZero() && time.Now().After(f.until) {
			continue
		}
		if f.fraction != nil && f.rng.Float64() >= *f.fraction {
			continue
		}
		f.fired++
		out := f.Fault
		return &out
	}
	return nil
}

// apply carries the fault out. It reports whether the call is answered
// (latency lets it through). Waits end early when the client gives up or
// done (the fake closing) is closed: httptest's Close waits for every call
// in progress, and would otherwise wait out a held call.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, done <-chan struct{}, detail soap.Detail) bool {
	switch f.kind {
	case kindSOAPFault:
		text := f.text
		if text == "" {
			text = fmt.Sprintf("injected fault %d", f.code)
		}
		soap.WriteFaultDetail(w, detail, f.code, text, soap.NewCallID())
	case kindCodeless:
		writeRaw(w, http.StatusInternalServerError, appendCodelessFault(nil, f.faultcode))
	case kindRaw:
		writeRaw(w, f.status, f.body)
	case kindHTTPStatus:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(f.status)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1><p>injected by fakeinfra</p></body></html>", f.status, http.StatusText(f.status))
	case kindLatency:
		sleep(r.Context(), done, f.delay)
		return false
	case kindReset:
		panic(http.ErrAbortHandler) // net/http closes the connection without an answer
	case kindTimeout:
		sleep(r.Context(), done, 10*time.Minute)
		panic(http.ErrAbortHandler)
	}
	return true
}

// appendCodelessFault writes a fault envelope with faultcode and an empty
// detail.
func appendCodelessFault(dst []byte, faultcode string) []byte {
	w := canon.New(dst, "")
	w.Raw([]byte(`<soap:Envelope xmlns:soap="` + soap.NSEnvelope + `"><soap:Body><soap:Fault>`))
	w.Leaf("faultcode", "", faultcode)
	w.Leaf("faultstring", "", "injected fault without an error code")
	w.Leaf("detail", "", "")
	w.Raw([]byte(`</soap:Fault></soap:Body></soap:Envelope>`))
	return w.Buf
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", soap.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func sleep(ctx context.Context, done <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-done:
	}
}
