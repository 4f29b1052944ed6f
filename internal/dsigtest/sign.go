package dsigtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
)

// Algorithm identifiers.
const (
	ExcC14N      = "http://www.w3.org/2001/10/xml-exc-c14n#"
	C14N         = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	Enveloped    = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	RSASHA256    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	RSASHA1      = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	ECDSASHA256  = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	SHA256       = "http://www.w3.org/2001/04/xmlenc#sha256"
	SHA1         = "http://www.w3.org/2000/09/xmldsig#sha1"
	nsDS         = message.NSDSig
	signatureTag = `<Signature xmlns="` + nsDS + `">`
)

// Profile is how to sign. The zero values of its optional fields give the
// profile of SPEC §4.
type Profile struct {
	// Key signs: an *rsa.PrivateKey or *ecdsa.PrivateKey.
	Key crypto.Signer
	// Certs are written in KeyInfo, in this order; the signer's first.
	Certs []*x509.Certificate
	// SignatureMethod defaults to RSASHA256 for an RSA key and ECDSASHA256
	// for an ECDSA key. Its hash (SHA-1 for RSASHA1, else SHA-256) is the
	// digest's too.
	SignatureMethod string
	// Canonicalization is the CanonicalizationMethod; default ExcC14N.
	Canonicalization string
	// Transforms default to [Enveloped]; []string{} writes none.
	Transforms []string
	// SubjectName is X509SubjectName; default the first certificate's
	// subject.
	SubjectName string
}

// Sign appends an enveloped signature to doc, a canonical prefix-free
// document without a signature (as package message writes it), as the
// root's last child. On such a document every canonicalisation this
// package names gives the document's own bytes, which are digested as
// they are.
func (p Profile) Sign(doc []byte) ([]byte, error) {
	end := bytes.LastIndex(doc, []byte("</"))
	if end < 0 || doc[0] != '<' {
		return nil, errors.New("dsigtest: not a canonical document")
	}
	method := p.SignatureMethod
	if method == "" {
		method = RSASHA256
		if _, ok := p.Key.(*ecdsa.PrivateKey); ok {
			method = ECDSASHA256
		}
	}
	h, digestMethod := crypto.SHA256, SHA256
	if method == RSASHA1 {
		h, digestMethod = crypto.SHA1, SHA1
	}
	c14n := p.Canonicalization
	if c14n == "" {
		c14n = ExcC14N
	}
	transforms := p.Transforms
	if transforms == nil {
		transforms = []string{Enveloped}
	}
	var si strings.Builder
	si.WriteString(`<CanonicalizationMethod Algorithm="` + c14n + `"></CanonicalizationMethod>`)
	si.WriteString(`<SignatureMethod Algorithm="` + method + `"></SignatureMethod>`)
	si.WriteString(`<Reference URI="">`)
	if len(transforms) > 0 {
		si.WriteString("<Transforms>")
		for _, t := range transforms {
			si.WriteString(`<Transform Algorithm="` + t + `"></Transform>`)
		}
		si.WriteString("</Transforms>")
	}
	si.WriteString(`<DigestMethod Algorithm="` + digestMethod + `"></DigestMethod>`)
	si.WriteString("<DigestValue>" + base64.StdEncoding.EncodeToString(sum(h, doc)) + "</DigestValue></Reference>")
	signedInfo := `<SignedInfo xmlns="` + nsDS + `">` + si.String() + `</SignedInfo>`
	value, err := p.signValue(h, sum(h, []byte(signedInfo)))
	if err != nil {
		return nil, err
	}
	subject := p.SubjectName
	if subject == "" && len(p.Certs) > 0 {
		subject = p.Certs[0].Subject.String()
	}
	var sig strings.Builder
	sig.WriteString(signatureTag + "<SignedInfo>" + si.String() + "</SignedInfo>")
	sig.WriteString("<SignatureValue>" + base64.StdEncoding.EncodeToString(value) + "</SignatureValue>")
	sig.WriteString("<KeyInfo><X509Data><X509SubjectName>" + escape(subject) + "</X509SubjectName>")
	for _, c := range p.Certs {
		sig.WriteString("<X509Certificate>" + base64.StdEncoding.EncodeToString(c.Raw) + "</X509Certificate>")
	}
	sig.WriteString("</X509Data></KeyInfo></Signature>")
	out := make([]byte, 0, len(doc)+sig.Len())
	out = append(out, doc[:end]...)
	out = append(out, sig.String()...)
	return append(out, doc[end:]...), nil
}

func (p Profile) signValue(h crypto.Hash, digest []byte) ([]byte, error) {
	switch k := p.Key.(type) {
	case *rsa.PrivateKey:
		return rsa.SignPKCS1v15(rand.Reader, k, h, digest)
	case *ecdsa.PrivateKey:
		der, err := k.Sign(rand.Reader, digest, h)
		if err != nil {
			return nil, err
		}
		// XML-DSig writes r and s side by side, each as long as the order.
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &rs); err != nil {
			return nil, err
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*n)
		rs.R.FillBytes(out[:n])
		rs.S.FillBytes(out[n:])
		return out, nil
	}
	return nil, fmt.Errorf("dsigtest: key type %T", p.Key)
}

func sum(h crypto.Hash, b []byte) []byte {
	if h == crypto.SHA1 {
		s := sha1.Sum(b)
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;").Replace(s)
}

// SealedDelivery returns the unsigned SealedDelivery document that seals
// signed (a SignedDelivery with its signature) with ReceivedTime date.
func SealedDelivery(signed []byte, date string) []byte {
	const v3, msg = message.NSMessageV3, message.NSMessage
	open := []byte(`<SignedDelivery xmlns="` + v3 + `">`)
	var b bytes.Buffer
	b.WriteString(`<SealedDelivery xmlns="` + v3 + `"><SignedDelivery>`)
	b.Write(bytes.TrimPrefix(signed, open))
	b.WriteString(`<Seal><ReceivedTime xmlns="` + msg + `">` + date + `</ReceivedTime><SignaturesOK xmlns="` + msg + `">true</SignaturesOK></Seal></SealedDelivery>`)
	return b.Bytes()
}

// Request writes a signed SealedDelivery as a deliverSecure request in the
// prefixed wire form of layout.
func Request(layout *wireform.Layout, sealed []byte) ([]byte, error) {
	open := []byte(`<SealedDelivery xmlns="` + message.NSMessageV3 + `">`)
	if !bytes.HasPrefix(sealed, open) || !bytes.HasSuffix(sealed, []byte("</SealedDelivery>")) {
		return nil, errors.New("dsigtest: not a SealedDelivery")
	}
	w := layout.NewWriter(len(sealed))
	w.Open(message.NSServiceV3, "deliverSecure")
	w.Open(message.NSServiceV3, "deliverSecure")
	if err := w.Canonical(sealed[len(open):len(sealed)-len("</SealedDelivery>")], message.NSMessageV3); err != nil {
		return nil, err
	}
	w.Close()
	w.Close()
	return w.Envelope()
}

// UnprefixFirstSignature rewrites the first ds:Signature of a request in
// the readable layout (the sender's, in a sealed request) into the default
// namespace, as a sender whose signature a SOAP stack left unprefixed
// would send it, and leaves the rest prefixed.
func UnprefixFirstSignature(req []byte) []byte {
	i := bytes.Index(req, []byte("<ds:Signature>"))
	j := bytes.Index(req, []byte("</ds:Signature>"))
	if i < 0 || j < i {
		return req
	}
	j += len("</ds:Signature>")
	sig := bytes.ReplaceAll(req[i:j], []byte("ds:"), nil)
	sig = bytes.Replace(sig, []byte("<Signature>"), []byte(`<Signature xmlns="`+nsDS+`">`), 1)
	out := make([]byte, 0, len(req)+len(nsDS)+16)
	out = append(append(append(out, req[:i]...), sig...), req[j:]...)
	return out
}
