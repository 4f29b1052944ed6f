package soap

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// CertificateFromPEM loads a client certificate from PEM: chainPEM holds
// the certificate followed by its intermediates, keyPEM the private key
// (PKCS#1, PKCS#8 or SEC 1, unencrypted). Both may be the same bytes, a
// combined file. Library code takes bytes; reading files is the caller's.
func CertificateFromPEM(chainPEM, keyPEM []byte) (tls.Certificate, error) {
	c, err := tls.X509KeyPair(chainPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("soap: load pem certificate: %w", err)
	}
	return c, nil
}

// CertificateFromPKCS12 loads a client certificate from a PKCS#12 (.p12,
// .pfx) file, such as Expisoft issues: the key, its certificate and the
// chain. Both generations load: OpenSSL 3's AES-256/PBKDF2 files and the
// legacy 3DES/RC2 ones.
func CertificateFromPKCS12(data []byte, password string) (tls.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("soap: load pkcs12 certificate: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return tls.Certificate{}, fmt.Errorf("soap: load pkcs12 certificate: key of type %T cannot sign", key)
	}
	// A file whose key belongs to another certificate would otherwise
	// fail only later, as an obscure handshake error.
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return tls.Certificate{}, errors.New("soap: load pkcs12 certificate: the private key does not match the certificate")
	}
	c := tls.Certificate{PrivateKey: signer, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, ca := range chain {
		if isSelfSigned(ca) {
			continue // a root is no use to the server, which holds its own
		}
		c.Certificate = append(c.Certificate, ca.Raw)
	}
	return c, nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil
}
