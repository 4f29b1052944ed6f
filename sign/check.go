package sign

import (
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// wantChildren is the XSD sequence of each signed root.
var wantChildren = map[string][]string{
	"SignedDelivery": {"Delivery", "Signature"},
	"SealedDelivery": {"SignedDelivery", "Seal", "Signature"},
}

// checkLevel verifies the enveloped signature of root and returns what it
// verified and the canonical bytes that were digested. When canonical (the
// canonical form of root, signature included) is already at hand, the
// digested bytes are cut from it instead of canonicalising again.
//
// The signature is taken from the one place the profile allows, the root's
// last child. goxmldsig's ValidationContext is not used: it searches the
// tree for a signature with a budget of 1000 elements (etreeutils' default
// traversal limit), and here the signature comes after the whole delivery,
// so a delivery with a few hundred metadata entries would be refused as
// "traversal limit reached".
func checkLevel(level LevelName, root *etree.Element, opts VerifyOptions, canonical []byte) (Level, []byte, error) {
	fail := func(sentinel error, format string, a ...any) (Level, []byte, error) {
		return Level{}, nil, verifyErr(level, sentinel, fmt.Sprintf(format, a...))
	}
	kids, text := elementChildren(root)
	if text {
		return fail(ErrSignatureInvalid, "%s holds text", root.Tag)
	}
	want := wantChildren[root.Tag]
	if len(kids) != len(want) {
		return fail(ErrSignatureInvalid, "%s has %d child elements, want %s", root.Tag, len(kids), strings.Join(want, ", "))
	}
	for i, k := range kids {
		ns := nsV3
		if want[i] == "Signature" {
			ns = nsDS
		}
		if !is(k, ns, want[i]) {
			return fail(ErrSignatureInvalid, "child %d of %s is %s, want %s: exactly one signature, as the last child", i+1, root.Tag, k.Tag, want[i])
		}
	}
	if err := checkSignedContent(root); err != nil {
		return fail(ErrSignatureInvalid, "%v", err)
	}
	sigEl := kids[len(kids)-1]
	sig, err := readSignature(sigEl, opts.AllowSHA1)
	if err != nil {
		return Level{}, nil, verifyErr(level, sig.sentinel, err.Error())
	}
	cert, err := sig.certificate(opts)
	if err != nil {
		return Level{}, nil, verifyErr(level, ErrUntrustedCertificate, err.Error())
	}

	// The enveloped-signature transform, then exclusive C14N.
	var digested []byte
	if canonical != nil {
		if digested, err = withoutSignature(canonical); err != nil {
			return Level{}, nil, verifyErr(level, ErrSignatureInvalid, err.Error())
		}
	} else {
		digested = appendCanonical(nil, root, sigEl)
	}
	h := sig.digest.new()
	h.Write(digested)
	if subtle.ConstantTimeCompare(h.Sum(nil), sig.digestValue) != 1 {
		return fail(ErrSignatureInvalid, "digest does not match the signed content")
	}
	if err := checkSignatureValue(sig.method, cert.PublicKey, sig.signedInfo, sig.value); err != nil {
		return fail(ErrSignatureInvalid, "signature value: %v", err)
	}
	info := SignerInfo{Subject: SubjectName(cert), Certificate: cert}
	if org, err := OrgNumberOf(cert); err == nil {
		info.OrgNumber = org
	}
	return Level{Name: level, Signer: info, SignatureAlgorithm: sig.method.uri, DigestAlgorithm: sig.digest.uri}, digested, nil
}

// checkSignedContent refuses what the profile never produces and what
// would let signed and read content differ: comments (exclusive C14N drops
// them, so a comment could split text without touching the digest),
// processing instructions, namespaced attributes, elements without a
// namespace. The signature element itself is checked separately.
func checkSignedContent(el *etree.Element) error {
	for _, a := range el.Attr {
		if a.Space == foreignAttr {
			return fmt.Errorf("attribute %s on %s is namespace-qualified: outside the profile", a.Key, el.Tag)
		}
	}
	if nsOf(el) == "" {
		return fmt.Errorf("element %s has no namespace: outside the profile", el.Tag)
	}
	for _, c := range el.Child {
		switch c := c.(type) {
		case *etree.Comment:
			return fmt.Errorf("comment inside %s: comments are not allowed in signed content", el.Tag)
		case *etree.ProcInst:
			return fmt.Errorf("processing instruction inside %s: not allowed in signed content", el.Tag)
		case *etree.Element:
			if err := checkSignedContent(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// signature is a parsed, profile-checked ds:Signature.
type signature struct {
	signedInfo  []byte // canonical SignedInfo, as signed
	method      signatureAlg
	digest      digestAlg
	digestValue []byte
	value       []byte
	certs       []*x509.Certificate
	sentinel    error // what a failure while reading belongs to
}

// readSignature checks the Signature element against the profile and
// returns its parts. Any failure is reported with the sentinel it sets.
func readSignature(sigEl *etree.Element, allowSHA1 bool) (sig signature, err error) {
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
	if alg := algorithmOf(siParts[0]); alg != AlgExcC14N || hasChildElements(siParts[0]) {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the CanonicalizationMethod %q: only exclusive C14N without comments", alg)
	}
	method, ok := findSignatureAlg(algorithmOf(siParts[1]))
	if !ok || hasChildElements(siParts[1]) {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the SignatureMethod %q is not allowed", algorithmOf(siParts[1]))
	}
	if method.weak && !allowSHA1 {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the SignatureMethod %s needs AllowSHA1", method.label)
	}
	sig.method = method
	ref := siParts[2]
	if uri := ref.SelectAttr("URI"); uri == nil || uri.Value != "" {
		return sig, fmt.Errorf(`the Reference must have URI="" (the whole document)`)
	}
	refParts, err := children(ref, "Transforms", "DigestMethod", "DigestValue")
	if err != nil {
		return sig, fmt.Errorf("the Reference: %v", err)
	}
	if err := checkTransforms(refParts[0]); err != nil {
		sig.sentinel = ErrAlgorithm
		return sig, err
	}
	digest, ok := findDigest(algorithmOf(refParts[1]))
	if !ok {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the DigestMethod %q is not allowed", algorithmOf(refParts[1]))
	}
	if digest.weak && !allowSHA1 {
		sig.sentinel = ErrAlgorithm
		return sig, fmt.Errorf("the DigestMethod %s needs AllowSHA1", digest.label)
	}
	sig.digest = digest
	if sig.digestValue, err = decodeB64(refParts[2].Text()); err != nil || len(sig.digestValue) != digest.size {
		return sig, fmt.Errorf("the DigestValue is not a %s digest in base64", digest.label)
	}
	if sig.value, err = decodeB64(valueEl.Text()); err != nil || len(sig.value) == 0 {
		return sig, fmt.Errorf("the SignatureValue is not base64")
	}
	sig.signedInfo = appendCanonical(nil, si, nil)
	sig.sentinel = ErrUntrustedCertificate
	if sig.certs, err = readKeyInfo(keyInfo); err != nil {
		return sig, err
	}
	return sig, nil
}

// readKeyInfo reads the certificates of KeyInfo/X509Data; the first is the
// signer's.
func readKeyInfo(keyInfo *etree.Element) ([]*x509.Certificate, error) {
	kids, _ := elementChildren(keyInfo)
	if len(kids) != 1 || !is(kids[0], nsDS, "X509Data") {
		return nil, fmt.Errorf("the KeyInfo must hold exactly one X509Data")
	}
	var certs []*x509.Certificate
	items, _ := elementChildren(kids[0])
	for _, it := range items {
		switch {
		case is(it, nsDS, "X509Certificate"):
			der, err := decodeB64(it.Text())
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
			return nil, fmt.Errorf("the X509Data holds %s: only X509Certificate, X509SubjectName and X509IssuerSerial", it.Tag)
		}
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("the KeyInfo carries no X509Certificate")
	}
	return certs, nil
}

// certificate returns the signer's certificate once its chain and validity
// are checked.
func (sig *signature) certificate(opts VerifyOptions) (*x509.Certificate, error) {
	cert := sig.certs[0]
	if opts.InsecureSkipChain {
		return cert, nil
	}
	if opts.Roots == nil {
		return nil, fmt.Errorf("no trusted roots configured (VerifyOptions.Roots)")
	}
	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range sig.certs[1:] {
		inter.AddCert(c)
	}
	at := opts.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return nil, fmt.Errorf("certificate %q: %v", SubjectName(cert), err)
	}
	return cert, nil
}

// checkTransforms accepts the two transform lists of SPEC §4: the single
// enveloped-signature every reference sender writes, and enveloped-signature
// followed by exclusive C14N, which older senders write.
func checkTransforms(el *etree.Element) error {
	transforms, text := elementChildren(el)
	ok := !text && (len(transforms) == 1 || len(transforms) == 2)
	for i, t := range transforms {
		want := AlgEnveloped
		if i == 1 {
			want = AlgExcC14N
		}
		ok = ok && is(t, nsDS, "Transform") && algorithmOf(t) == want && !hasChildElements(t)
	}
	if !ok {
		return fmt.Errorf("the Transforms must be enveloped-signature, optionally followed by exclusive C14N")
	}
	return nil
}

// children checks that el holds exactly the named ds elements, in order, and
// no text.
func children(el *etree.Element, names ...string) ([]*etree.Element, error) {
	kids, text := elementChildren(el)
	if text {
		return nil, fmt.Errorf("%s holds text", el.Tag)
	}
	if len(kids) != len(names) {
		return nil, fmt.Errorf("%s has %d child elements, want %s", el.Tag, len(kids), strings.Join(names, ", "))
	}
	for i, k := range kids {
		if !is(k, nsDS, names[i]) {
			return nil, fmt.Errorf("%s holds %s where %s belongs", el.Tag, k.Tag, names[i])
		}
	}
	return kids, nil
}

func algorithmOf(el *etree.Element) string { return el.SelectAttrValue("Algorithm", "") }

func hasChildElements(el *etree.Element) bool {
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
