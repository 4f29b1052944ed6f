package sign

import (
	"crypto/subtle"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// wantChildren is the XSD sequence of each signed root.
var wantChildren = map[string][]string{
	"SignedDelivery": {"Delivery", "Signature"},
	"SealedDelivery": {"SignedDelivery", "Seal", "Signature"},
}

// checked is one verified level: who signed, and the canonical bytes that
// were digested.
type checked struct {
	level    Level
	digested []byte
	// signed is the canonical form of the root with its signature, under
	// the rule the signature states (the signature itself in exclusive
	// form): a faithful copy of what the signer signed, for a forwarder
	// to seal. Set when checkLevel is asked for it.
	signed []byte
}

// checkLevel verifies the enveloped signature of root, which is its last
// child. With withSigned it also returns the canonical form of root with
// the signature (checked.signed), from which the digested bytes are cut,
// so that nothing is canonicalised twice. sizeHint is the capacity the
// canonical form starts with (the document's size is a close bound), so
// that a large form is not copied over as it grows.
//
// The signature is taken from the one place the profile allows, the root's
// last child. goxmldsig's ValidationContext is not used: it searches the
// tree for a signature with a budget of 1000 elements (etreeutils' default
// traversal limit), and here the signature comes after the whole delivery,
// so a delivery with a few hundred metadata entries would be refused as
// "traversal limit reached".
func checkLevel(level LevelName, root *element, opts VerifyOptions, withSigned bool, sizeHint int) (checked, error) {
	fail := func(sentinel error, format string, a ...any) (checked, error) {
		return checked{}, verifyErr(level, sentinel, fmt.Sprintf(format, a...))
	}
	kids, text := elementChildren(root)
	if text {
		return fail(ErrSignatureInvalid, "%s holds text", root.local)
	}
	want := wantChildren[root.local]
	if len(kids) != len(want) {
		return fail(ErrSignatureInvalid, "%s has %d child elements, want %s", root.local, len(kids), strings.Join(want, ", "))
	}
	for i, k := range kids {
		ns := nsV3
		if want[i] == "Signature" {
			ns = nsDS
		}
		if !is(k, ns, want[i]) {
			return fail(ErrSignatureInvalid, "child %d of %s is %s, want %s: exactly one signature, as the last child", i+1, root.local, k.local, want[i])
		}
	}
	if err := checkSignedContent(root); err != nil {
		return fail(ErrSignatureInvalid, "%v", err)
	}
	sigEl := kids[len(kids)-1]
	sig, err := readSignature(sigEl, opts.AllowSHA1)
	if err != nil {
		return checked{}, verifyErr(level, sig.sentinel, err.Error())
	}

	// The transforms: enveloped-signature (cut the signature out), then the
	// canonicalisation the list states.
	var c checked
	if withSigned {
		full, i, j := appendCanonical(make([]byte, 0, sizeHint), root, sig.c14n, sigEl, false)
		c.signed, c.digested = full, cut(full, i, j)
	} else {
		c.digested, _, _ = appendCanonical(make([]byte, 0, sizeHint), root, sig.c14n, sigEl, true)
	}
	h := sig.digest.new()
	h.Write(c.digested)
	if subtle.ConstantTimeCompare(h.Sum(nil), sig.digestValue) != 1 {
		return fail(ErrSignatureInvalid, "digest does not match the signed content (canonicalised by %s, as its Transforms state)", sig.c14n)
	}
	cert, err := sig.signer()
	if err != nil {
		return fail(ErrSignatureInvalid, "%v", err)
	}
	if err := sig.checkChain(cert, opts); err != nil {
		return checked{}, verifyErr(level, ErrUntrustedCertificate, err.Error())
	}
	info := SignerInfo{Subject: SubjectName(cert), Certificate: cert}
	if org, err := OrgNumberOf(cert); err == nil {
		info.OrgNumber = org
	}
	c.level = Level{Name: level, Signer: info, SignatureAlgorithm: sig.method.uri, DigestAlgorithm: sig.digest.uri}
	return c, nil
}

// checkSignedContent refuses what the profile never produces and what
// would let signed and read content differ: comments (C14N without
// comments drops them, so a comment could split text without touching the
// digest), processing instructions, namespaced attributes other than
// xml:*, elements without a namespace. It walks the signature too.
func checkSignedContent(el *element) error {
	if el.ns == "" {
		return fmt.Errorf("element %s has no namespace: outside the profile", el.local)
	}
	if x := el.x; x != nil {
		for _, a := range x.attrs {
			if a.Name.Space != "" && a.Name.Space != xmlNS && !isDecl(a) {
				return fmt.Errorf("attribute {%s}%s on %s is namespace-qualified: outside the profile", a.Name.Space, a.Name.Local, el.local)
			}
		}
		if x.comment {
			return fmt.Errorf("comment inside %s: comments are not allowed in signed content", el.local)
		}
		if x.procInst {
			return fmt.Errorf("processing instruction inside %s: not allowed in signed content", el.local)
		}
	}
	for _, k := range el.kids {
		if k.el != nil {
			if err := checkSignedContent(k.el); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkChain checks that cert, the signer's, chains to the trusted roots
// and is valid at opts.At. The other certificates of KeyInfo may serve as
// intermediates, besides opts.Intermediates.
func (sig *signature) checkChain(cert *x509.Certificate, opts VerifyOptions) error {
	if opts.InsecureSkipChain {
		return nil
	}
	if opts.Roots == nil {
		return fmt.Errorf("no trusted roots configured (VerifyOptions.Roots)")
	}
	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range sig.certs {
		if c != cert {
			inter.AddCert(c)
		}
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
		return fmt.Errorf("certificate %q: %v", SubjectName(cert), err)
	}
	return nil
}
