package sign

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// LoadPKCS12 reads a PKCS#12 file (.p12, .pfx) holding the organisation
// certificate, its key and any intermediates. Both generations load: files
// made by OpenSSL 3's defaults (AES-256, PBKDF2) and legacy ones
// (`openssl pkcs12 -legacy`: 3DES, RC2).
func LoadPKCS12(data []byte, password string) (*Signer, error) {
	key, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, fmt.Errorf("%w: PKCS#12: wrong password", ErrKey)
		}
		return nil, fmt.Errorf("%w: PKCS#12: %w", ErrKey, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok || key == nil {
		return nil, fmt.Errorf("%w: PKCS#12 holds no usable private key", ErrKey)
	}
	return NewSigner(signer, append([]*x509.Certificate{cert}, cas...))
}

// LoadPEM reads a certificate chain (the organisation certificate first) and
// its private key (PKCS#8, PKCS#1 or SEC 1) from PEM.
func LoadPEM(certPEM, keyPEM []byte) (*Signer, error) {
	chain, err := ParseCertificatesPEM(certPEM)
	if err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%w: no CERTIFICATE block in the certificate PEM", ErrKey)
	}
	key, err := parseKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	return NewSigner(key, chain)
}

// ParseCertificatesPEM reads every CERTIFICATE block of a PEM file.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out, nil
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate PEM: %w", ErrKey, err)
		}
		out = append(out, c)
	}
}

func parseKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, fmt.Errorf("%w: no private key block in the key PEM", ErrKey)
		}
		var key any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("%w: the key PEM is encrypted: decrypt it first or use PKCS#12", ErrKey)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: private key PEM: %w", ErrKey, err)
		}
		s, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("%w: private key of type %T cannot sign", ErrKey, key)
		}
		return s, nil
	}
}
