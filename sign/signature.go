package sign

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// maxKeyInfoCerts bounds the certificates of one KeyInfo: each may be
// tried against the signature value. Real senders write one (SPEC §4);
// a leaf and its chain are a handful.
const maxKeyInfoCerts = 8

// signature is a parsed, profile-checked ds:Signature.
type signature struct {
	signedInfo  []byte // canonical SignedInfo, as signed
	method      signatureAlg
	digest      digestAlg
	c14n        c14nMode // what the transform list states for the reference
	digestValue []byte
	value       []byte
	certs       []*x509.Certificate
	sentinel    error // what a failure while reading belongs to
}

// readSignature checks the Signature element against the profile and
// returns its parts. Any failure is reported with the sentinel it sets.
func readSignature(sigEl *element, allowSHA1 bool) (sig signature, err error) {
	sig.sentinel = ErrSignatureInvalid
	parts, err := children(sigEl, "SignedInfo", "SignatureValue", "KeyInfo")
	if err != nil {
		return sig, fmt.Errorf("the Signature: %v", err)
	}
	si, valueEl, keyInfo := parts[0], parts[1], parts[2]
	siParts, err := children(si, "CanonicalizationMethod", "SignatureMethod", "Reference")
	if err != nil {
		return sig, fmt.Errorf("the SignedInfo: %v (exactly one Reference)", err)
	}
	if alg := algorithmOf(siParts[0]); alg != AlgExcC14N || hasContent(siParts[0]) {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the CanonicalizationMethod %q: only exclusive C14N without comments", alg)
	}
	if sig.method, err = readSignatureMethod(siParts[1], allowSHA1); err != nil {
		sig.sentinel = ErrAlgorithm
		return sig, err
	}
	ref := siParts[2]
	if uri, ok := ref.attr("URI"); !ok || uri != "" {
		return sig, fmt.Errorf(`the Reference must have URI="" (the whole document)`)
	}
	refParts, err := children(ref, "Transforms", "DigestMethod", "DigestValue")
	if err != nil {
		return sig, fmt.Errorf("the Reference: %v", err)
	}
	if sig.c14n, err = readTransforms(refParts[0]); err != nil {
		sig.sentinel = ErrAlgorithm
		return sig, err
	}
	digest, ok := findDigest(algorithmOf(refParts[1]))
	if !ok || hasContent(refParts[1]) {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the DigestMethod %q is not allowed", algorithmOf(refParts[1]))
	}
	if digest.weak && !allowSHA1 {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the DigestMethod %s needs AllowSHA1", digest.label)
	}
	sig.digest = digest
	if sig.digestValue, err = decodeB64(textOf(refParts[2])); err != nil || len(sig.digestValue) != digest.size {
		return sig, fmt.Errorf("the DigestValue is not a %s digest in base64", digest.label)
	}
	if sig.value, err = decodeB64(textOf(valueEl)); err != nil || len(sig.value) == 0 {
		return sig, fmt.Errorf("the SignatureValue is not base64")
	}
	sig.signedInfo, _, _ = appendCanonical(nil, si, exclusive, nil, false)
	sig.sentinel = ErrUntrustedCertificate
	if sig.certs, err = readKeyInfo(keyInfo); err != nil {
		return sig, err
	}
	return sig, nil
}

// readSignatureMethod accepts the allow-list: rsa-sha256, and rsa-sha1
// with allowSHA1.
func readSignatureMethod(el *element, allowSHA1 bool) (signatureAlg, error) {
	uri := algorithmOf(el)
	method, ok := findSignatureAlg(uri)
	switch {
	case uri == AlgECDSASHA256:
		return method, fmt.Errorf("the SignatureMethod ecdsa-sha256 is not allowed: operators check RSA signatures only (rsa-sha256)")
	case !ok || hasContent(el):
		return method, fmt.Errorf("the SignatureMethod %q is not allowed: only rsa-sha256 (rsa-sha1 with AllowSHA1)", uri)
	case method.weak && !allowSHA1:
		return method, fmt.Errorf("the SignatureMethod %s needs AllowSHA1", method.label)
	}
	return method, nil
}

// readTransforms accepts the two transform lists of SPEC §4 and returns
// the canonicalisation each states: the single enveloped-signature every
// reference sender writes, after which XML-DSig converts the node-set to
// octets with Canonical XML 1.0 (inclusive); and enveloped-signature
// followed by exclusive C14N, which older senders write.
func readTransforms(el *element) (c14nMode, error) {
	transforms, text := elementChildren(el)
	ok := !text && (len(transforms) == 1 || len(transforms) == 2)
	for i, t := range transforms {
		want := AlgEnveloped
		if i == 1 {
			want = AlgExcC14N
		}
		ok = ok && is(t, nsDS, "Transform") && algorithmOf(t) == want && !hasContent(t)
	}
	if !ok {
		return 0, fmt.Errorf("the Transforms must be enveloped-signature, optionally followed by exclusive C14N")
	}
	if len(transforms) == 1 {
		return inclusive, nil
	}
	return exclusive, nil
}

// readKeyInfo reads the certificates of KeyInfo/X509Data: at least one, at
// most maxKeyInfoCerts.
func readKeyInfo(keyInfo *element) ([]*x509.Certificate, error) {
	kids, text := elementChildren(keyInfo)
	if text || len(kids) != 1 || !is(kids[0], nsDS, "X509Data") {
		return nil, fmt.Errorf("the KeyInfo must hold exactly one X509Data")
	}
	var certs []*x509.Certificate
	items, text := elementChildren(kids[0])
	if text {
		return nil, fmt.Errorf("the X509Data holds text")
	}
	for _, it := range items {
		switch {
		case is(it, nsDS, "X509Certificate"):
			if len(certs) == maxKeyInfoCerts {
				return nil, fmt.Errorf("the KeyInfo carries more than %d certificates", maxKeyInfoCerts)
			}
			der, err := decodeB64(textOf(it))
			if err != nil {
				return nil, fmt.Errorf("the X509Certificate is not base64")
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, fmt.Errorf("the X509Certificate: %v", err)
			}
			certs = append(certs, c)
		case is(it, nsDS, "X509SubjectName"), is(it, nsDS, "X509IssuerSerial"):
			// Informative; the certificate itself is what is checked.
		default:
			return nil, fmt.Errorf("the X509Data holds {%s}%s: only X509Certificate, X509SubjectName and X509IssuerSerial", it.ns, it.local)
		}
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("the KeyInfo carries no X509Certificate")
	}
	return certs, nil
}

// signer returns the certificate of KeyInfo whose key verifies the
// signature value: KeyInfo may carry a chain, in any order, and only the
// signature says which certificate is the signer's. Each is tried once,
// and there are at most maxKeyInfoCerts.
func (sig *signature) signer() (*x509.Certificate, error) {
	for _, c := range sig.certs {
		k, ok := c.PublicKey.(*rsa.PublicKey)
		if ok && checkSignatureValue(sig.method, k, sig.signedInfo, sig.value) == nil {
			return c, nil
		}
	}
	if len(sig.certs) == 1 {
		return nil, fmt.Errorf("signature value does not verify with the key of the certificate %q", SubjectName(sig.certs[0]))
	}
	return nil, fmt.Errorf("signature value does not verify with the key of any of the %d certificates in KeyInfo", len(sig.certs))
}

// children checks that el holds exactly the named ds elements, in order, and
// no text.
func children(el *element, names ...string) ([]*element, error) {
	kids, text := elementChildren(el)
	if text {
		return nil, fmt.Errorf("%s holds text", el.local)
	}
	if len(kids) != len(names) {
		return nil, fmt.Errorf("%s has %d child elements, want %s", el.local, len(kids), strings.Join(names, ", "))
	}
	for i, k := range kids {
		if !is(k, nsDS, names[i]) {
			return nil, fmt.Errorf("%s holds %s where %s belongs", el.local, k.local, names[i])
		}
	}
	return kids, nil
}

func algorithmOf(el *element) string {
	v, _ := el.attr("Algorithm")
	return v
}

// hasContent reports whether el holds elements or text other than white
// space.
func hasContent(el *element) bool {
	kids, text := elementChildren(el)
	return len(kids) > 0 || text
}

// decodeB64 decodes base64 that may be wrapped over lines.
func decodeB64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}
