package fakeinfra

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// pki is the fake's certificates. The CA, the loopback server certificate
// and every organisation certificate are made once per process (keys and
// certificates alike) and shared by every fake: starting a fake then costs
// only a few listeners. Issuing a certificate is an RSA signature with the
// CA's key, about half of what a start cost before organisation
// certificates were shared.
type pki struct {
	ca     *testpki.CA
	server *testpki.Leaf
	sender *org
	// oneWay delays every byte to and from the servers (WithRoundTrip).
	oneWay time.Duration
}

// org is an organisation certificate and the signer made from it.
type org struct {
	leaf   *testpki.Leaf
	signer *sign.Signer
}

type orgKey struct {
	id   message.OrgNumber
	name string
}

var shared struct {
	once   sync.Once
	ca     *testpki.CA
	server *testpki.Leaf
	err    error

	mu   sync.Mutex
	orgs map[orgKey]*org
}

func newPKI(s message.Sender) (*pki, error) {
	shared.once.Do(func() {
		shared.ca, shared.err = testpki.NewCA("fakeinfra test CA", testpki.Options{NotAfter: time.Now().AddDate(10, 0, 0)})
		if shared.err == nil {
			shared.server, shared.err = shared.ca.Server("localhost", "127.0.0.1", "::1")
		}
		shared.orgs = map[orgKey]*org{}
	})
	if shared.err != nil {
		return nil, fmt.Errorf("fakeinfra: test PKI: %w", shared.err)
	}
	p := &pki{ca: shared.ca, server: shared.server}
	o, err := p.org(s.ID, s.Name)
	if err != nil {
		return nil, err
	}
	p.sender = o
	return p, nil
}

// org returns the organisation certificate for id and name, issuing it on
// first use in the process. Every fake shares one CA, so a certificate
// issued for one fake is as good for the next.
func (p *pki) org(id message.OrgNumber, name string) (*org, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	k := orgKey{id, name}
	if o, ok := shared.orgs[k]; ok {
		return o, nil
	}
	leaf, err := p.ca.Org(string(id), name)
	if err != nil {
		return nil, fmt.Errorf("fakeinfra: certificate for %s: %w", id, err)
	}
	s, err := sign.NewSigner(leaf.Key, leaf.Chain)
	if err != nil {
		return nil, fmt.Errorf("fakeinfra: signer for %s: %w", id, err)
	}
	o := &org{leaf: leaf, signer: s}
	shared.orgs[k] = o
	return o, nil
}

// serve starts an HTTPS server that requires a client certificate from the
// CA, as the infrastructure's services do. It listens on addr, or on a
// random loopback port when addr is "".
func (p *pki) serve(h http.Handler, addr string) (*httptest.Server, error) {
	srv := httptest.NewUnstartedServer(h)
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			srv.Listener.Close()
			return nil, fmt.Errorf("fakeinfra: listen: %w", err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	if p.oneWay > 0 {
		srv.Listener = delayListener{Listener: srv.Listener, oneWay: p.oneWay}
	}
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.server.TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.ca.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
	srv.Config.ErrorLog = quietLog // TLS refusals are the point of some tests
	srv.StartTLS()
	return srv, nil
}

// client returns an HTTP client presenting leaf and trusting the CA.
func (p *pki) client(leaf *testpki.Leaf) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				Certificates: []tls.Certificate{leaf.TLS()},
				RootCAs:      p.ca.Pool(),
				MinVersion:   tls.VersionTLS12,
			},
			MaxIdleConnsPerHost: 64,
			ForceAttemptHTTP2:   true,
		},
		Timeout: 2 * time.Minute,
	}
}
