package soap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Timeouts and pool sizes of NewHTTPClient, used where TLSConfig leaves a
// field zero. The timeouts are those observed in production (SPEC §7).
const (
	DefaultConnectTimeout      = 5 * time.Second
	DefaultReadTimeout         = 120 * time.Second
	DefaultMaxIdleConnsPerHost = 64
	// defaultIdleConnTimeout closes pooled connections before the usual
	// server-side keep-alive limits do, so that a request rarely meets a
	// connection the server has just dropped.
	defaultIdleConnTimeout = 50 * time.Second
)

// TLSConfig configures the mutual-TLS HTTP client of NewHTTPClient.
type TLSConfig struct {
	// Certificate is the organisation certificate presented to the server,
	// with its chain (see CertificateFromPEM, CertificateFromPKCS12).
	// Required.
	Certificate tls.Certificate
	// Roots verify the server's certificate; nil means the system's roots.
	// Verification is never skipped.
	Roots *x509.CertPool
	// MinVersion is the lowest TLS version accepted; zero means TLS 1.2,
	// and lower versions are refused.
	MinVersion uint16
	// ConnectTimeout bounds the TCP connect, and separately the TLS
	// handshake.
	ConnectTimeout time.Duration
	// ReadTimeout bounds the wait for the answer's headers after the
	// request is sent, and every single read of the connection after that
	// (like a socket read timeout: a slow but moving answer is fine).
	ReadTimeout time.Duration
	// MaxIdleConnsPerHost is how many connections to one host are kept
	// open for reuse. The net/http default of 2 would make many parallel
	// calls to FaR or an operator open and close connections all the time.
	MaxIdleConnsPerHost int
	// Proxy, when set, selects a proxy per request. Nil means none: the
	// library reads no environment (use http.ProxyFromEnvironment here to
	// opt in).
	Proxy func(*http.Request) (*url.URL, error)
}

// NewHTTPClient returns an HTTP client for mutual TLS with the
// infrastructure: TLS 1.2 or later, cfg.Certificate presented, the server
// verified against cfg.Roots, HTTP/1.1 with keep-alive, redirects refused.
func NewHTTPClient(cfg TLSConfig) (*http.Client, error) {
	if len(cfg.Certificate.Certificate) == 0 || cfg.Certificate.PrivateKey == nil {
		return nil, errors.New("soap: tls config: a client certificate with its private key is required")
	}
	minVersion := orDefault(cfg.MinVersion, tls.VersionTLS12)
	if minVersion < tls.VersionTLS12 {
		return nil, fmt.Errorf("soap: tls config: minimum version %s is below TLS 1.2", tls.VersionName(minVersion))
	}
	if cfg.ConnectTimeout < 0 || cfg.ReadTimeout < 0 || cfg.MaxIdleConnsPerHost < 0 {
		return nil, errors.New("soap: tls config: timeouts and pool sizes must not be negative")
	}
	connect := orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	read := orDefault(cfg.ReadTimeout, DefaultReadTimeout)
	idle := orDefault(cfg.MaxIdleConnsPerHost, DefaultMaxIdleConnsPerHost)

	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy: cfg.Proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &readTimeoutConn{Conn: c, timeout: read}, nil
		},
		TLSClientConfig: &tls.Config{
			MinVersion:   minVersion,
			Certificates: []tls.Certificate{cfg.Certificate},
			RootCAs:      cfg.Roots,
		},
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: read,
		MaxIdleConns:          4 * idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       defaultIdleConnTimeout,
		// SOAP endpoints of the infrastructure speak HTTP/1.1; a custom
		// TLS config keeps net/http from trying HTTP/2 too.
		ForceAttemptHTTP2: false,
	}
	return &http.Client{Transport: transport, CheckRedirect: refuseRedirect}, nil
}

// readTimeoutConn gives every read its own deadline, as a socket read
// timeout does: net/http bounds the wait for headers, but not a body that
// stops halfway. A write moves the deadline too, because net/http keeps a
// read pending on an idle pooled connection: without it, the time the
// connection sat idle would count against the next answer.
type readTimeoutConn struct {
	net.Conn
	timeout time.Duration
}

func (c *readTimeoutConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *readTimeoutConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err == nil {
		err = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	return n, err
}
