package opverify

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"strings"
	"sync"
)

// Algorithms the operator's verifier knows by name.
const (
	nsDS         = "http://www.w3.org/2000/09/xmldsig#"
	nsMessageV3  = "http://minameddelanden.gov.se/schema/Message/v3"
	algExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA1   = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	algRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
)

// Verify applies the operator's checks to a request as received and
// returns nil when the operator would accept its signatures, or an *Error
// naming the rule that refuses it. Certificates are not checked against
// any trust anchor (the operator's verify/1, "any"): chains, validity and
// who may sign are the caller's to check.
func Verify(request []byte) error {
	root, err := parse(request)
	if err != nil {
		return err
	}
	sigs, err := signatures(root)
	if err != nil {
		return err
	}
	for i, sig := range sigs {
		if err := checkSignature(root, sig, i+1); err != nil {
			return err
		}
	}
	return nil
}

// signatures finds the Signature elements the operator's verifier checks:
// //*[local-name()="Signature" and namespace-uri()=ds], in the order xmerl's
// XPath returns them — the matching children of each element, elements
// taken in document order — so that in a sealed request the seal comes
// before the sender's signature, as it does at the operator.
func signatures(root *node) ([]*node, error) {
	var found []*node
	unprefixed := 0
	isSig := func(n *node) bool { return n.local == "Signature" && n.uri == nsDS }
	if isSig(root) {
		found = append(found, root)
	}
	walk(root, func(n *node) bool {
		for _, k := range n.kids {
			if k.text || !isSig(k) {
				continue
			}
			if k.nsURI() == nsDS {
				found = append(found, k)
			} else {
				unprefixed++
			}
		}
		return true
	})
	if isSig(root) && root.nsURI() != nsDS {
		found, unprefixed = found[1:], unprefixed+1
	}
	switch {
	case len(found) == 0 && unprefixed > 0:
		return nil, refuse(RuleNoSignature, 0, "%d Signature elements in the ds namespace, none prefixed: the operator's XPath finds only prefixed ones ({error, no_signature})", unprefixed)
	case len(found) == 0:
		return nil, refuse(RuleNoSignature, 0, "no ds:Signature ({error, no_signature})")
	case unprefixed > 0:
		return nil, refuse(RuleUnprefixedSignature, 0, "%d unprefixed ds Signature elements beside %d prefixed ones: the operator's verifier would leave them unchecked", unprefixed, len(found))
	}
	return found, nil
}

// checkSignature checks one signature as verify_signatures does.
func checkSignature(root, sig *node, no int) error {
	methods := attrValues(findDS(sig, "SignatureMethod"), "Algorithm")
	if len(methods) != 1 {
		return refuse(RuleSignatureMethod, no, "%d SignatureMethod/@Algorithm, want one (badmatch)", len(methods))
	}
	hash, err := hashOf(methods[0], no)
	if err != nil {
		return err
	}
	c14n := attrValues(findDS(sig, "CanonicalizationMethod"), "Algorithm")
	if len(c14n) != 1 || c14n[0] != algExcC14N {
		return refuse(RuleCanonicalization, no, "CanonicalizationMethod/@Algorithm is %q, want exactly one, %s (badmatch)", c14n, algExcC14N)
	}
	transforms := attrValues(findDS(sig, "Transform"), "Algorithm")
	uris := attrValues(findDS(sig, "Reference"), "URI")
	if len(uris) != 1 {
		return refuse(RuleReference, no, "%d Reference/@URI, want one (badmatch)", len(uris))
	}
	if len(transforms) != 1 || transforms[0] != algEnveloped {
		if uris[0] == "" {
			return refuse(RuleTransforms, no, "Transforms %q: for URI=\"\" the operator's verifier handles only [%s] (signature_over_everything_not_implemented)", transforms, algEnveloped)
		}
		return refuse(RuleTransforms, no, "Transforms %q with URI %q: the operator's verifier handles only [%s] (function_clause)", transforms, uris[0], algEnveloped)
	}
	got, cr, err := signedDigest(root, sig, hash, no)
	if err != nil {
		return err
	}
	want, err := oneBase64(sig, "DigestValue", RuleDigestValue, no)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		if cr {
			return refuse(RuleCarriageReturn, no, "signed text holds a carriage return written &#xD;, which the operator's parser reads as a line feed, so the digest differs ({error, bad_digest})")
		}
		return refuse(RuleDigest, no, "the digest of the signed element, prefixes stripped as the operator strips them, does not match DigestValue ({error, bad_digest})")
	}
	infos := findDS(sig, "SignedInfo")
	if len(infos) != 1 {
		return refuse(RuleSignedInfo, no, "%d SignedInfo, want one (badmatch)", len(infos))
	}
	var si strings.Builder
	if export(&si, infos[0], "", nil, nil).pi {
		return refuse(RuleProcessingInstruction, no, "a processing instruction in SignedInfo: the operator's prefix stripping has no case for one (function_clause)")
	}
	value, err := oneBase64(sig, "SignatureValue", RuleSignatureValue, no)
	if err != nil {
		return err
	}
	der, err := oneBase64(sig, "X509Certificate", RuleCertificate, no)
	if err != nil {
		return err
	}
	key, err := rsaKey(der, no)
	if err != nil {
		return err
	}
	if err := rsa.VerifyPKCS1v15(key, hash, digest(hash, []byte(si.String())), value); err != nil {
		return refuse(RuleSignature, no, "SignatureValue does not verify over SignedInfo with the certificate's key ({error, bad_signature})")
	}
	return nil
}

// signedDigest digests the element a signature signs as the operator does
// (strip_it for [enveloped-signature]): without its Signature children,
// prefixes stripped, written as xmerl writes it. The bytes go straight
// into the hash. cr reports whether its text held a carriage return read
// as a line feed.
func signedDigest(root, sig *node, hash crypto.Hash, no int) (sum []byte, cr bool, err error) {
	parent, top, err := signedElement(root, sig, no)
	if err != nil {
		return nil, false, err
	}
	h := hash.New()
	w := digestWriters.Get().(*bufio.Writer)
	w.Reset(h)
	defer func() { w.Reset(nil); digestWriters.Put(w) }()
	f := export(w, parent, "", top, func(k *node) bool { return k.local == "Signature" })
	if f.pi {
		return nil, false, refuse(RuleProcessingInstruction, no, "a processing instruction in the signed element: the operator's prefix stripping has no case for one (function_clause)")
	}
	if err := w.Flush(); err != nil {
		return nil, false, err // a hash never fails to write
	}
	return h.Sum(nil), f.cr, nil
}

// digestWriters buffers the small writes of export in front of the hash:
// a fresh 32 KiB buffer per signature was half of what checking a 1 KiB
// delivery allocated (fakeinfra checks every request so).
var digestWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// signedElement finds the element a signature signs as the operator does:
// the signature's parent, found again by the path of its ancestors'
// qualified names. For a prefixed deliverSecure it also returns the name
// the operator gives it, SealedDelivery with the Message/v3 prefix in
// scope (replicate_bugs).
func signedElement(root, sig *node, no int) (parent, top *node, err error) {
	var path []string
	for a := sig.parent; a != nil; a = a.parent {
		path = append(path, a.qname())
	}
	var matches []*node
	walk(root, func(n *node) bool {
		if matchesPath(n, path) {
			matches = append(matches, n)
		}
		return true
	})
	if len(matches) != 1 {
		return nil, nil, refuse(RuleSignedElement, no, "%d elements at //%s, want one (badmatch)", len(matches), strings.Join(reversed(path), "/"))
	}
	parent = matches[0]
	if parent.prefix != "" && parent.local == "deliverSecure" {
		p, ok := parent.prefixFor(nsMessageV3)
		if !ok {
			return nil, nil, refuse(RuleMessageV3Prefix, no, "no prefix for %s in scope on %s, which the operator renames to SealedDelivery (badmatch)", nsMessageV3, parent.qname())
		}
		top = &node{prefix: p, local: "SealedDelivery", uri: nsMessageV3}
	}
	return parent, top, nil
}

// matchesPath reports whether n's qualified name and its ancestors' end in
// path (innermost first), as //a/b/c matches from the document node.
func matchesPath(n *node, path []string) bool {
	for _, q := range path {
		if n == nil || n.qname() != q {
			return false
		}
		n = n.parent
	}
	return true
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// findDS returns the elements at or below n with the given local name
// whose namespace-uri() is ds: //*[local-name()=name and
// namespace-uri()=ds] evaluated with n as the document.
func findDS(n *node, local string) []*node {
	var out []*node
	walk(n, func(e *node) bool {
		if e.local == local && e.nsURI() == nsDS {
			out = append(out, e)
		}
		return true
	})
	return out
}

// attrValues returns the values of the unprefixed attribute name of els.
func attrValues(els []*node, name string) []string {
	var out []string
	for _, e := range els {
		for _, a := range e.attrs {
			if a.prefix == "" && a.local == name {
				out = append(out, a.value)
			}
		}
	}
	return out
}

// oneBase64 reads the one text node of the ds elements named local below
// sig as base64, as [#xmlText{value = V}] = xpath(".../text()") and
// base64:decode do.
func oneBase64(sig *node, local string, rule Rule, no int) ([]byte, error) {
	var texts []string
	for _, e := range findDS(sig, local) {
		for _, k := range e.kids {
			if k.text {
				texts = append(texts, k.data)
			}
		}
	}
	if len(texts) != 1 {
		return nil, refuse(rule, no, "%d %s text nodes, want one (badmatch)", len(texts), local)
	}
	b, err := base64.StdEncoding.DecodeString(strings.Map(dropSpace, texts[0]))
	if err != nil {
		return nil, refuse(rule, no, "%s is not base64", local)
	}
	return b, nil
}

func dropSpace(r rune) rune {
	switch r {
	case ' ', '\t', '\n', '\r':
		return -1
	}
	return r
}

// hashOf is signature_props: the hash is read from SignatureMethod; the
// DigestMethod is never looked at.
func hashOf(method string, no int) (crypto.Hash, error) {
	switch method {
	case algRSASHA256:
		return crypto.SHA256, nil
	case algRSASHA1:
		return crypto.SHA1, nil
	}
	if strings.Contains(method, "ecdsa") || strings.Contains(method, "dsa-") || strings.Contains(method, "eddsa") {
		return 0, refuse(RuleKeyNotRSA, no, "SignatureMethod %q: the operator's verifier knows only rsa-sha1 and rsa-sha256 and decodes every key as RSA (function_clause)", method)
	}
	return 0, refuse(RuleSignatureMethod, no, "SignatureMethod %q: the operator's verifier knows only %s and %s (function_clause)", method, algRSASHA256, algRSASHA1)
}

func digest(h crypto.Hash, b []byte) []byte {
	if h == crypto.SHA1 {
		s := sha1.Sum(b) // the operators still accept rsa-sha1
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}

// rsaKey decodes a certificate's key as the operator does: the subject
// public key's bits as a PKCS #1 RSAPublicKey, whatever algorithm the
// certificate names.
func rsaKey(der []byte, no int) (*rsa.PublicKey, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, refuse(RuleCertificate, no, "X509Certificate does not decode: %v", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(cert.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil, refuse(RuleCertificate, no, "subject public key info does not decode: %v", err)
	}
	key, err := x509.ParsePKCS1PublicKey(spki.PublicKey.Bytes)
	if err != nil {
		return nil, refuse(RuleKeyNotRSA, no, "the certificate's key is not an RSA public key (the operator decodes it as one and fails): %v", err)
	}
	return key, nil
}
