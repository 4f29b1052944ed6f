package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
	_ "time/tzdata" // the seal's date is the date in Sweden, wherever the SDK runs

	"github.com/avsandare/mm/internal/canon"
	"github.com/avsandare/mm/message"
)

const (
	nsV3  = message.NSMessageV3
	nsMsg = message.NSMessage
	nsDS  = message.NSDSig
)

var (
	signedOpen  = []byte(`<SignedDelivery xmlns="` + nsV3 + `">`)
	signedStart = signedOpen[:len(signedOpen)-1]
	signedClose = []byte(`</SignedDelivery>`)
	sealedOpen  = []byte(`<SealedDelivery xmlns="` + nsV3 + `">`)
	sealedClose = []byte(`</SealedDelivery>`)
)

// stockholm is where the seal's ReceivedTime date is counted.
var stockholm = mustLoadStockholm()

func mustLoadStockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic("sign: time zone Europe/Stockholm: " + err.Error()) // embedded by time/tzdata
	}
	return loc
}

// SignOption changes how SignDelivery signs.
type SignOption func(*signConfig)

type signConfig struct{ onBehalf map[message.OrgNumber]bool }

// OnBehalfOf lets an intermediary (förmedlare) whose certificate is its own
// sign deliveries from the listed senders; by default a signer signs only
// deliveries whose sender is the organisation in its certificate. Whether
// the intermediary may sign for a sender is the Authority register's call
// (getDispatchers); pass the senders it lists.
func OnBehalfOf(senders ...message.OrgNumber) SignOption {
	return func(c *signConfig) {
		if c.onBehalf == nil {
			c.onBehalf = map[message.OrgNumber]bool{}
		}
		for _, s := range senders {
			c.onBehalf[s] = true
		}
	}
}

// SignDelivery validates d and returns the signed SignedDelivery document in
// the prefix-free canonical form: the delivery is written once, digested as
// written (no parsing, no re-canonicalisation), and the enveloped signature
// (exclusive C14N, RSA-SHA256, SHA-256, one enveloped-signature Transform,
// KeyInfo with X509SubjectName and the leaf X509Certificate) is placed as
// the root's last child.
func (s *Signer) SignDelivery(d *message.Delivery, opts ...SignOption) ([]byte, error) {
	var cfg signConfig
	for _, o := range opts {
		o(&cfg)
	}
	if d.Sender.ID != s.org && !cfg.onBehalf[d.Sender.ID] {
		return nil, fmt.Errorf("%w: the delivery's sender is %s but the certificate is for %s", ErrSignerMismatch, d.Sender.ID, s.org)
	}
	buf := make([]byte, 0, len(signedOpen)+d.DeliverySize()+len(signedClose)+s.signatureSize())
	buf = append(buf, signedOpen...)
	buf, err := d.AppendDelivery(buf)
	if err != nil {
		return nil, err
	}
	return s.finish(buf, signedClose, "SignedDelivery")
}

// Seal wraps a signed delivery in a SealedDelivery with
// Seal{ReceivedTime: the date of at in Sweden, SignaturesOK: true} and signs
// it as the intermediary. signed must be a SignedDelivery in canonical form,
// as SignDelivery returns it or Verified.SignedDelivery gives it after Verify
// — sealing asserts that the sender's signature was checked, so only seal
// what was signed here or verified.
func (s *Signer) Seal(signed []byte, at time.Time) ([]byte, error) {
	rest, ok := bytes.CutPrefix(signed, signedStart)
	if !ok || !bytes.HasSuffix(signed, signedClose) || len(rest) == 0 || rest[0] != '>' && rest[0] != ' ' {
		return nil, fmt.Errorf("%w: Seal takes a SignedDelivery in canonical form (from SignDelivery or Verify)", ErrMalformed)
	}
	buf := make([]byte, 0, len(sealedOpen)+len(signed)+200+len(sealedClose)+s.signatureSize())
	buf = append(buf, sealedOpen...)
	// Inside SealedDelivery the Message/v3 namespace is inherited, so the
	// child's own declaration is not part of the canonical form. Whatever
	// else its start tag holds — declarations a verified foreign delivery
	// signed under inclusive C14N — stays as it is: the canonical form of
	// the sealed document writes them in the same place.
	buf = append(buf, "<SignedDelivery"...)
	buf = append(buf, rest...)
	w := canon.New(buf, nsV3)
	w.Open("Seal", nsV3)
	w.Leaf("ReceivedTime", nsMsg, at.In(stockholm).Format("2006-01-02"))
	w.Leaf("SignaturesOK", nsMsg, "true")
	w.Close("Seal")
	return s.finish(w.Buf, sealedClose, "SealedDelivery")
}

// finish digests doc (the canonical root without its signature) as if
// closed by closeTag, appends the signature and closes the root.
func (s *Signer) finish(doc, closeTag []byte, root string) ([]byte, error) {
	h := sha256.New()
	h.Write(doc)
	h.Write(closeTag)
	digest := base64.StdEncoding.EncodeToString(h.Sum(nil))

	si := canon.New(make([]byte, 0, 700), "")
	writeSignedInfo(si, s.alg.uri, digest)
	value, err := s.signValue(si.Buf)
	if err != nil {
		return nil, err
	}
	w := canon.New(doc, nsV3)
	w.Open("Signature", nsDS)
	writeSignedInfo(w, s.alg.uri, digest)
	w.Open("SignatureValue", nsDS)
	w.Base64(value)
	w.Close("SignatureValue")
	w.Open("KeyInfo", nsDS)
	w.Open("X509Data", nsDS)
	w.Leaf("X509SubjectName", nsDS, s.subject)
	w.Leaf("X509Certificate", nsDS, s.certB64)
	w.Close("X509Data")
	w.Close("KeyInfo")
	w.Close("Signature")
	w.Raw(closeTag)
	return w.Buf, nil
}

// writeSignedInfo writes SignedInfo in canonical form. Written at the top of
// a document it is exactly the bytes the signature value covers; written
// inside Signature it inherits the namespace and drops its xmlns.
func writeSignedInfo(w *canon.Writer, sigAlg, digest string) {
	w.Open("SignedInfo", nsDS)
	w.OpenAttrs("CanonicalizationMethod", nsDS, "Algorithm", AlgExcC14N)
	w.Close("CanonicalizationMethod")
	w.OpenAttrs("SignatureMethod", nsDS, "Algorithm", sigAlg)
	w.Close("SignatureMethod")
	w.OpenAttrs("Reference", nsDS, "URI", "")
	w.Open("Transforms", nsDS)
	// One Transform, as every reference sender writes (SPEC §4): the
	// operators' verifier refuses any other list for URI="".
	w.OpenAttrs("Transform", nsDS, "Algorithm", AlgEnveloped)
	w.Close("Transform")
	w.Close("Transforms")
	w.OpenAttrs("DigestMethod", nsDS, "Algorithm", AlgSHA256)
	w.Close("DigestMethod")
	w.Leaf("DigestValue", nsDS, digest)
	w.Close("Reference")
	w.Close("SignedInfo")
}

// signatureSize estimates the bytes of a Signature element, to size buffers.
func (s *Signer) signatureSize() int {
	return 1400 + len(s.subject) + len(s.certB64)
}
