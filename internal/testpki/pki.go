package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// KeyType selects the key algorithm of a certificate.
type KeyType int

// Key algorithms.
const (
	RSA2048 KeyType = iota
	ECDSAP256
)

// keys hands out pre-generated keys: RSA-2048 generation costs tens of
// milliseconds, and a test run starts many CAs and certificates.
var keys struct {
	sync.Mutex
	rsa  []*rsa.PrivateKey
	ec   []*ecdsa.PrivateKey
	next map[KeyType]int
}

// poolSize bounds how many distinct keys a process generates per type;
// certificates beyond it share keys, which no test depends on telling apart
// except through their certificates.
const poolSize = 16

// Key returns the i-th pooled key of type kt, generating it on first use.
func Key(kt KeyType, i int) crypto.Signer {
	keys.Lock()
	defer keys.Unlock()
	i %= poolSize
	switch kt {
	case ECDSAP256:
		for len(keys.ec) <= i {
			k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				panic(err) // crypto/rand failing is not recoverable
			}
			keys.ec = append(keys.ec, k)
		}
		return keys.ec[i]
	default:
		for len(keys.rsa) <= i {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys.rsa = append(keys.rsa, k)
		}
		return keys.rsa[i]
	}
}

// nextKey hands out pooled keys round-robin.
func nextKey(kt KeyType) crypto.Signer {
	keys.Lock()
	if keys.next == nil {
		keys.next = map[KeyType]int{}
	}
	i := keys.next[kt]
	keys.next[kt] = i + 1
	keys.Unlock()
	return Key(kt, i)
}

// CA is a certificate authority for tests.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Leaf is a certificate with its key, issued by a CA.
type Leaf struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Chain is the certificate followed by its issuer.
	Chain []*x509.Certificate
}

// Options change what a certificate looks like.
type Options struct {
	KeyType   KeyType
	NotBefore time.Time // zero: an hour ago
	NotAfter  time.Time // zero: a year from now
}

func (o Options) window() (time.Time, time.Time) {
	nb, na := o.NotBefore, o.NotAfter
	if nb.IsZero() {
		nb = time.Now().Add(-time.Hour)
	}
	if na.IsZero() {
		na = time.Now().AddDate(1, 0, 0)
	}
	return nb, na
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n
}

// NewCA makes a self-signed CA.
func NewCA(name string, opts ...Options) (*CA, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	key := nextKey(o.KeyType)
	nb, na := o.window()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Test PKI"}, Country: []string{"SE"}},
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("testpki: create CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

var (
	oidCommonName   = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidOrganization = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidCountry      = asn1.ObjectIdentifier{2, 5, 4, 6}
)

// Org issues an organisation certificate as Expisoft does: subject
// "CN=name + serialNumber=orgNumber, O=name, C=SE" (the common name and the
// serial number share one RDN), usable for signing and as a TLS client.
func (ca *CA) Org(orgNumber, name string, opts ...Options) (*Leaf, error) {
	rdns := pkix.RDNSequence{
		{{Type: oidCountry, Value: "SE"}},
		{{Type: oidOrganization, Value: name}},
		{{Type: oidCommonName, Value: name}, {Type: oidSerialNumber, Value: orgNumber}},
	}
	raw, err := asn1.Marshal(rdns)
	if err != nil {
		return nil, err
	}
	return ca.issue(&x509.Certificate{
		RawSubject:  raw,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}, opts)
}

// Server issues a TLS server certificate for the given DNS names and IP
// addresses.
func (ca *CA) Server(hosts ...string) (*Leaf, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0], Organization: []string{"Test PKI"}},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return ca.issue(tmpl, nil)
}

func (ca *CA) issue(tmpl *x509.Certificate, opts []Options) (*Leaf, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	key := nextKey(o.KeyType)
	tmpl.SerialNumber = serial()
	tmpl.NotBefore, tmpl.NotAfter = o.window()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("testpki: issue: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: cert, Key: key, Chain: []*x509.Certificate{cert, ca.Cert}}, nil
}

// Pool returns a pool holding the CA certificate.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// PEM returns the CA certificate in PEM.
func (ca *CA) PEM() []byte { return CertPEM(ca.Cert) }

// TLS returns the leaf as a tls.Certificate with its chain.
func (l *Leaf) TLS() tls.Certificate {
	c := tls.Certificate{PrivateKey: l.Key, Leaf: l.Cert}
	for _, x := range l.Chain {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	return c
}

// CertPEM encodes a certificate in PEM.
func CertPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// KeyPEM encodes the leaf's private key in PKCS#8 PEM.
func (l *Leaf) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(l.Key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ChainPEM encodes the leaf and its issuer in PEM.
func (l *Leaf) ChainPEM() []byte {
	var out []byte
	for _, c := range l.Chain {
		out = append(out, CertPEM(c)...)
	}
	return out
}
