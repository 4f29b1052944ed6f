package fakeinfra

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/avsandare/mm/internal/soap"
)

// maxRequest bounds what the fake reads of a request: one delivery is at
// most 2 MB of message plus its envelope and signatures.
const maxRequest = 8 << 20

// faultAnswer is an application or technical fault the fake answers with.
type faultAnswer struct {
	code int
	desc string
}

func invalidInput(format string, a ...any) *faultAnswer {
	return &faultAnswer{code: soap.CodeInvalidInput, desc: fmt.Sprintf(format, a...)}
}

// requests counts calls per endpoint.
type requests struct {
	mu sync.Mutex
	n  map[Endpoint]int
}

// Requests is how many calls reached an endpoint (faulted ones included;
// connections refused at the TLS layer never do).
func (i *Infra) Requests(ep Endpoint) int {
	i.reqs.mu.Lock()
	defer i.reqs.mu.Unlock()
	return i.reqs.n[ep]
}

func (i *Infra) count(ep Endpoint) {
	i.reqs.mu.Lock()
	defer i.reqs.mu.Unlock()
	if i.reqs.n == nil {
		i.reqs.n = map[Endpoint]int{}
	}
	i.reqs.n[ep]++
}

// serve runs one call: count it, let faults strike, read the SOAP request,
// answer it.
func (i *Infra) serve(ep Endpoint, w http.ResponseWriter, r *http.Request, answer func([]byte) ([]byte, *faultAnswer)) {
	i.count(ep)
	// The body is read before any fault strikes: net/http notices a client
	// that gave up (and cancels the request's context) only once the body
	// has been read.
	body, fa := readRequest(r)
	if f := i.faults.strike(ep, false); f != nil && f.apply(w, r, i.done, faultDetail(ep, body)) {
		return
	}
	var resp []byte
	if fa == nil {
		resp, fa = answer(body)
	}
	if f := i.faults.strike(ep, true); f != nil && f.apply(w, r, i.done, faultDetail(ep, body)) {
		return
	}
	if fa != nil {
		soap.WriteFaultDetail(w, faultDetail(ep, body), fa.code, fa.desc, soap.NewCallID())
		return
	}
	env := soap.AppendEnvelope(make([]byte, 0, soap.EnvelopeLen(len(resp))), resp)
	w.Header().Set("Content-Type", soap.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(env)))
	_, _ = w.Write(env)
}

// readRequest checks a call is a SOAP POST and reads its body.
func readRequest(r *http.Request) ([]byte, *faultAnswer) {
	if r.Method != http.MethodPost {
		return nil, invalidInput("method %s: SOAP calls are POST", r.Method)
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/xml" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		return nil, invalidInput("content type %q: want text/xml; charset=utf-8", r.Header.Get("Content-Type"))
	}
	// A body of known length is read into one buffer of its size:
	// io.ReadAll's doubling would allocate a 2 MB delivery twice over again.
	n := r.ContentLength
	if n < 0 || n > maxRequest {
		n = 0
	}
	buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(r.Body, maxRequest+1))
	body := buf.Bytes()
	if err != nil {
		return nil, &faultAnswer{code: soap.CodeGeneralTechnical, desc: "reading the request: " + err.Error()}
	}
	if len(body) > maxRequest {
		return nil, &faultAnswer{code: soap.CodeMaximumExceeded, desc: fmt.Sprintf("request larger than %d bytes", maxRequest)}
	}
	return body, nil
}
