package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/avsandare/mm/message"
)

// Signer signs deliveries and seals them with an organisation certificate.
// The key may live anywhere a crypto.Signer reaches — in memory, an HSM, a
// cloud KMS. A Signer is safe for concurrent use if its key is.
type Signer struct {
	key     crypto.Signer
	chain   []*x509.Certificate
	org     message.OrgNumber
	subject string // RFC 4514 form of the certificate's subject
	certB64 string // the leaf certificate, as KeyInfo carries it
	alg     signatureAlg
}

// NewSigner returns a Signer for key, whose certificate is chain[0]. Only
// that leaf certificate travels in KeyInfo (SPEC §4: operators read exactly
// one); the rest of chain is kept for TLS, where intermediates belong. The
// key must be RSA of 2048 bits or more, signing with RSA-SHA256: operators
// know only RSA (their published verifier decodes every key as RSA), so a
// delivery signed with any other key could be checked by none of them.
//
// The organisation number is read from the certificate subject's
// serialNumber (16NNNNNNNNNN, or the 10-digit form, normalised).
func NewSigner(key crypto.Signer, chain []*x509.Certificate) (*Signer, error) {
	if key == nil || len(chain) == 0 || chain[0] == nil {
		return nil, fmt.Errorf("%w: a key and its certificate are required", ErrKey)
	}
	cert := chain[0]
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("%w: the key does not belong to the certificate %q", ErrKey, cert.Subject.CommonName)
	}
	s := &Signer{key: key, chain: chain}
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("%w: RSA key of %d bits, want at least 2048", ErrKey, k.N.BitLen())
		}
		s.alg, _ = findSignatureAlg(AlgRSASHA256)
	case *ecdsa.PublicKey:
		return nil, fmt.Errorf("%w: ECDSA key: Mina meddelanden signatures must be RSA (rsa-sha256), operators cannot check any other", ErrKey)
	default:
		return nil, fmt.Errorf("%w: %T key: Mina meddelanden signatures must be RSA (rsa-sha256)", ErrKey, key.Public())
	}
	org, err := OrgNumberOf(cert)
	if err != nil {
		return nil, err
	}
	s.org = org
	s.subject = SubjectName(cert)
	s.certB64 = base64.StdEncoding.EncodeToString(cert.Raw)
	return s, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// OrgNumberOf reads the organisation number from a certificate subject's
// serialNumber attribute, where organisation certificates for Mina
// meddelanden carry it.
func OrgNumberOf(cert *x509.Certificate) (message.OrgNumber, error) {
	sn := cert.Subject.SerialNumber
	if sn == "" {
		return "", fmt.Errorf("%w: certificate %q has no serialNumber with an organisation number in its subject", ErrKey, cert.Subject.CommonName)
	}
	org, err := message.ParseOrgNumber(sn)
	if err != nil {
		return "", fmt.Errorf("%w: certificate subject serialNumber %q is not an organisation number: %w", ErrKey, sn, err)
	}
	return org, nil
}

// SubjectName returns the certificate's subject in the RFC 4514 form
// X509SubjectName carries, keeping multi-valued RDNs ("CN=Kommun A+SERIALNUMBER=162021004748,O=Kommun A,C=SE").
func SubjectName(cert *x509.Certificate) string {
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawSubject, &rdns); err != nil {
		return cert.Subject.String()
	}
	return rdns.String()
}

// OrgNumber is the organisation number in the signer's certificate.
func (s *Signer) OrgNumber() message.OrgNumber { return s.org }

// Certificate is the signer's certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.chain[0] }

// Chain is the signer's certificate followed by any intermediates.
func (s *Signer) Chain() []*x509.Certificate { return s.chain }

// Algorithm is the SignatureMethod URI the signer uses.
func (s *Signer) Algorithm() string { return s.alg.uri }

// TLSCertificate returns the signer's key and chain as a TLS client
// certificate: one organisation certificate often serves both.
func (s *Signer) TLSCertificate() tls.Certificate {
	c := tls.Certificate{PrivateKey: s.key, Leaf: s.chain[0]}
	for _, x := range s.chain {
		c.Certificate = append(c.Certificate, x.Raw)
	}
	return c
}

// CheckOrg returns ErrSignerMismatch unless the signer's certificate belongs
// to org.
func (s *Signer) CheckOrg(org message.OrgNumber) error {
	if s.org != org {
		return fmt.Errorf("%w: the certificate is for %s, not %s", ErrSignerMismatch, s.org, org)
	}
	return nil
}

// ExpiresWithin reports whether the certificate expires within d of now.
func (s *Signer) ExpiresWithin(now time.Time, d time.Duration) bool {
	return s.chain[0].NotAfter.Before(now.Add(d))
}

// signValue signs the canonical SignedInfo.
func (s *Signer) signValue(signedInfo []byte) ([]byte, error) {
	h := s.alg.hash.New()
	h.Write(signedInfo)
	sum := h.Sum(nil)
	sig, err := s.key.Sign(rand.Reader, sum, s.alg.hash)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}
