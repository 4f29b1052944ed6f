package mm

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"

	"github.com/avsandare/mm/internal/soap"
)

// NewHTTPClient returns the HTTP client the SDK's clients use towards the
// infrastructure: mutual TLS (1.2 or later) presenting cert — usually a
// sign.Signer's TLSCertificate, as one organisation certificate often serves
// both — with servers verified against roots (nil: the system's),
// connect and read timeouts of 5 s and 120 s, keep-alive for many parallel
// calls, and redirects refused. Give it to far.Config and forward.Config
// when using those packages directly; a Sender builds its own.
func NewHTTPClient(cert tls.Certificate, roots *x509.CertPool) (*http.Client, error) {
	return soap.NewHTTPClient(soap.TLSConfig{Certificate: cert, Roots: roots})
}
