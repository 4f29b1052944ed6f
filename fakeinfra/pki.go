package fakeinfra

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
)

// pki is the fake's certificates. The CA and the loopback server
// certificate are made once per process (keys and certificates alike) and
// shared by every fake: starting a fake then costs only its sender's
// certificate and a few listeners.
type pki struct {
	ca         *testpki.CA
	server     *testpki.Leaf
	senderLeaf *testpki.Leaf
	sender     *sign.Signer
}

var shared struct {
	once   sync.Once
	ca     *testpki.CA
	server *testpki.Leaf
	err    error
}

func newPKI(s message.Sender) (*pki, error) {
	shared.once.Do(func() {
		shared.ca, shared.err = testpki.NewCA("fakeinfra test CA", testpki.Options{NotAfter: time.Now().AddDate(10, 0, 0)})
		if shared.err == nil {
			shared.server, shared.err = shared.ca.Server("localhost", "127.0.0.1", "::1")
		}
	})
	if shared.err != nil {
		return nil, fmt.Errorf("fakeinfra: test PKI: %w", shared.err)
	}
	p := &pki{ca: shared.ca, server: shared.server}
	leaf, signer, err := p.org(s.ID, s.Name)
	if err != nil {
		return nil, err
	}
	p.senderLeaf, p.sender = leaf, signer
	return p, nil
}

// org issues an organisation certificate and its signer.
func (p *pki) org(id message.OrgNumber, name string) (*testpki.Leaf, *sign.Signer, error) {
	leaf, err := p.ca.Org(string(id), name)
	if err != nil {
		return nil, nil, fmt.Errorf("fakeinfra: certificate for %s: %w", id, err)
	}
	s, err := sign.NewSigner(leaf.Key, leaf.Chain)
	if err != nil {
		return nil, nil, fmt.Errorf("fakeinfra: signer for %s: %w", id, err)
	}
	return leaf, s, nil
}

// serve starts an HTTPS server that requires a client certificate from the
// CA, as the infrastructure's services do.
func (p *pki) serve(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{p.server.TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.ca.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
	srv.Config.ErrorLog = quietLog // TLS refusals are the point of some tests
	srv.StartTLS()
	return srv
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
