package sign

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" // #nosec: only behind VerifyOptions.AllowSHA1
	"crypto/sha256"
	"hash"
)

// Algorithm identifiers of the Mina meddelanden signature profile.
const (
	AlgExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"
	AlgEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	AlgRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	// AlgECDSASHA256 names the ECDSA method other XML-DSig tools write.
	// Verify refuses it (ErrAlgorithm): operators check RSA only.
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

// signatureAlg is an allowed SignatureMethod: RSA only, as every operator
// checks (SPEC §4).
type signatureAlg struct {
	uri   string
	hash  crypto.Hash
	weak  bool
	label string
}

var signatureAlgs = []signatureAlg{
	{AlgRSASHA256, crypto.SHA256, false, "rsa-sha256"},
	{AlgRSASHA1, crypto.SHA1, true, "rsa-sha1"},
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

// checkSignatureValue verifies the RSA PKCS#1 v1.5 signature sig over the
// digest of signedInfo with pub.
func checkSignatureValue(alg signatureAlg, pub *rsa.PublicKey, signedInfo, sig []byte) error {
	h := alg.hash.New()
	h.Write(signedInfo)
	return rsa.VerifyPKCS1v15(pub, alg.hash, h.Sum(nil), sig)
}
