package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1" // #nosec: only behind VerifyOptions.AllowSHA1
	"crypto/sha256"
	"fmt"
	"hash"
	"math/big"
)

// Algorithm identifiers of the Mina meddelanden signature profile.
const (
	AlgExcC14N     = "http://www.w3.org/2001/10/xml-exc-c14n#"
	AlgEnveloped   = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	AlgRSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	AlgECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	AlgSHA256      = "http://www.w3.org/2001/04/xmlenc#sha256"
	// The older pair some operators still produce; verified only with
	// VerifyOptions.AllowSHA1.
	AlgRSASHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	AlgSHA1    = "http://www.w3.org/2000/09/xmldsig#sha1"
)

// digestAlg is an allowed DigestMethod.
type digestAlg struct {
	uri   string
	new   func() hash.Hash
	weak  bool // SHA-1
	size  int
	label string
}

var digestAlgs = []digestAlg{
	{AlgSHA256, sha256.New, false, sha256.Size, "sha256"},
	{AlgSHA1, sha1.New, true, sha1.Size, "sha1"},
}

// signatureAlg is an allowed SignatureMethod.
type signatureAlg struct {
	uri   string
	hash  crypto.Hash
	ecdsa bool
	weak  bool
	label string
}

var signatureAlgs = []signatureAlg{
	{AlgRSASHA256, crypto.SHA256, false, false, "rsa-sha256"},
	{AlgECDSASHA256, crypto.SHA256, true, false, "ecdsa-sha256"},
	{AlgRSASHA1, crypto.SHA1, false, true, "rsa-sha1"},
}

func findDigest(uri string) (digestAlg, bool) {
	for _, a := range digestAlgs {
		if a.uri == uri {
			return a, true
		}
	}
	return digestAlg{}, false
}

func findSignatureAlg(uri string) (signatureAlg, bool) {
	for _, a := range signatureAlgs {
		if a.uri == uri {
			return a, true
		}
	}
	return signatureAlg{}, false
}

// checkSignatureValue verifies sig over the digest of signedInfo with pub.
// XML-DSig writes an ECDSA signature as r and s concatenated, each padded to
// the curve size, not in ASN.1.
func checkSignatureValue(alg signatureAlg, pub crypto.PublicKey, signedInfo, sig []byte) error {
	h := alg.hash.New()
	h.Write(signedInfo)
	sum := h.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg.ecdsa {
			return fmt.Errorf("%s signature from an RSA key", alg.label)
		}
		return rsa.VerifyPKCS1v15(k, alg.hash, sum, sig)
	case *ecdsa.PublicKey:
		if !alg.ecdsa {
			return fmt.Errorf("%s signature from an ECDSA key", alg.label)
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return fmt.Errorf("ECDSA signature is %d bytes, want %d", len(sig), 2*n)
		}
		r := new(big.Int).SetBytes(sig[:n])
		s := new(big.Int).SetBytes(sig[n:])
		if !ecdsa.Verify(k, sum, r, s) {
			return fmt.Errorf("ECDSA signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("unsupported public key type %T", pub)
}
