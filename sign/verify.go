package sign

import (
	"bytes"
	"crypto/x509"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/beevik/etree"
)

// LevelName names a signed level of a delivery.
type LevelName string

// The two signed levels.
const (
	// LevelSeal is the intermediary's (förmedlare's) signature over
	// SealedDelivery.
	LevelSeal LevelName = "seal"
	// LevelSender is the sender's signature over SignedDelivery.
	LevelSender LevelName = "sender"
)

// VerifyOptions say what to trust.
type VerifyOptions struct {
	// Roots are the trusted CA certificates; a signer's certificate must
	// chain to one of them (built and checked with crypto/x509).
	Roots *x509.CertPool
	// Intermediates may help build chains besides those in KeyInfo.
	Intermediates *x509.CertPool
	// At is the time certificates must be valid at; zero means now.
	At time.Time
	// AllowSHA1 accepts rsa-sha1 and sha1, which some operators still
	// produce. Never on by default.
	AllowSHA1 bool
	// InsecureSkipChain skips certificate chain and validity checks; the
	// signatures are still checked against the certificate in KeyInfo. For
	// inspecting documents from unknown test setups only.
	InsecureSkipChain bool
	// Limits bound the size of what is read.
	Limits Limits
}

// Signer describes who made a signature.
type SignerInfo struct {
	// Subject is the certificate subject in RFC 4514 form.
	Subject string
	// OrgNumber is read from the subject's serialNumber; empty when the
	// certificate has none (such a signer cannot be a sender).
	OrgNumber   message.OrgNumber
	Certificate *x509.Certificate
}

// Level is one verified signature.
type Level struct {
	Name               LevelName
	Signer             SignerInfo
	SignatureAlgorithm string
	DigestAlgorithm    string
}

// Seal is the intermediary's stamp on a sealed delivery.
type Seal struct {
	// ReceivedTime is the date the intermediary received the delivery.
	ReceivedTime time.Time
	SignaturesOK bool
}

// Verified is what Verify checked and the content it vouches for. Content is
// read only from the bytes that were digested, never from the input tree.
type Verified struct {
	// Levels are the signatures checked, outermost first: the seal (when the
	// document was sealed), then the sender's.
	Levels []Level
	// Seal is the verified seal, or nil for a bare SignedDelivery.
	Seal *Seal
	// Delivery is the verified delivery.
	Delivery *message.Delivery
	// SignedDelivery is the sender-signed document in canonical,
	// prefix-free form, signature included: what a forwarder seals.
	SignedDelivery []byte
	// SignerIsSender reports whether the sender-level signer's organisation
	// number is the delivery's sender. When it is not, the signer must be an
	// intermediary the Authority register lets sign for that sender.
	SignerIsSender bool
}

// Level returns the verified level named n, if present.
func (v *Verified) Level(n LevelName) (Level, bool) {
	for _, l := range v.Levels {
		if l.Name == n {
			return l, true
		}
	}
	return Level{}, false
}

// Verify checks the signatures of a delivery in any form it travels in:
//   - a standalone SignedDelivery (the sender's signature);
//   - a standalone SealedDelivery (the seal, then the sender's signature on a
//     detached copy of SignedDelivery);
//   - a SOAP envelope carrying Service/v3 deliverSecure, or the deliverSecure
//     element alone, whose inner element is renamed back to SealedDelivery
//     before the seal is checked (SPEC §4, quirk 2).
//
// Namespace prefixes are stripped first (quirk 1), so documents that SOAP
// stacks prefixed or pretty-printed verify as long as their content is
// unchanged. The profile is enforced strictly: exactly one signature per
// level, as the last child of its root; exactly one Reference, URI="";
// transforms enveloped-signature then exclusive C14N; algorithms from the
// allow-list (SHA-1 only with AllowSHA1); certificates chained to Roots and
// valid at At; no comments, processing instructions or namespaced attributes
// inside signed content; no DTDs.
func Verify(doc []byte, opts VerifyOptions) (*Verified, error) {
	root, err := parseTree(doc, opts.Limits.withDefaults())
	if err != nil {
		return nil, err
	}
	target, sealed, err := locate(root)
	if err != nil {
		return nil, err
	}
	v := &Verified{}
	signed := target
	if sealed {
		lvl, digested, err := checkLevel(LevelSeal, target, opts, nil)
		if err != nil {
			return nil, err
		}
		v.Levels = append(v.Levels, lvl)
		if v.Seal, err = readSeal(digested); err != nil {
			return nil, err
		}
		if !v.Seal.SignaturesOK {
			return nil, verifyErr(LevelSeal, ErrSignatureInvalid, "the seal says the signatures were not OK")
		}
		kids, _ := elementChildren(target)
		signed = kids[0]
	}
	// The sender signed SignedDelivery as its own root: its canonical form
	// as an apex is what a forwarder seals, and, without the signature,
	// what the sender's digest covers.
	v.SignedDelivery = appendCanonical(nil, signed, nil)
	lvl, digested, err := checkLevel(LevelSender, signed, opts, v.SignedDelivery)
	if err != nil {
		return nil, err
	}
	v.Levels = append(v.Levels, lvl)
	if v.Delivery, err = message.ParseSignedDelivery(digested); err != nil {
		return nil, verifyErr(LevelSender, ErrMalformed, err.Error())
	}
	v.SignerIsSender = lvl.Signer.OrgNumber != "" && lvl.Signer.OrgNumber == v.Delivery.Sender.ID
	return v, nil
}

// locate finds the signed root in any of the forms Verify accepts.
func locate(root *etree.Element) (target *etree.Element, sealed bool, err error) {
	switch {
	case is(root, nsV3, "SignedDelivery"):
		return root, false, nil
	case is(root, nsV3, "SealedDelivery"):
		return root, true, nil
	case is(root, message.NSSOAP, "Envelope"):
		kids, _ := elementChildren(root)
		var body *etree.Element
		for _, k := range kids {
			if is(k, message.NSSOAP, "Body") {
				body = k
			}
		}
		if body == nil {
			return nil, false, fmt.Errorf("%w: SOAP envelope without Body", ErrMalformed)
		}
		payload, _ := elementChildren(body)
		if len(payload) != 1 {
			return nil, false, fmt.Errorf("%w: SOAP Body holds %d elements, want one deliverSecure", ErrMalformed, len(payload))
		}
		return locate(payload[0])
	case is(root, message.NSServiceV3, "deliverSecure"):
		kids, _ := elementChildren(root)
		if len(kids) != 1 || !is(kids[0], message.NSServiceV3, "deliverSecure") {
			return nil, false, fmt.Errorf("%w: deliverSecure must hold exactly one deliverSecure", ErrMalformed)
		}
		wire := kids[0]
		// Quirk 2: the seal was computed with SealedDelivery as the root.
		wire.Tag = "SealedDelivery"
		wire.CreateAttr("xmlns", nsV3)
		return wire, true, nil
	}
	return nil, false, fmt.Errorf("%w: root {%s}%s is not a SignedDelivery, SealedDelivery, deliverSecure or SOAP envelope", ErrMalformed, nsOf(root), root.Tag)
}

// readSeal reads the Seal from the seal level's digested bytes. The Seal
// is the last child there (the signature was cut out), and '<' in text is
// always escaped, so it is the last "<Seal>" of the canonical bytes; only
// that tail is decoded, not the delivery before it.
func readSeal(digested []byte) (*Seal, error) {
	i := bytes.LastIndex(digested, []byte("<Seal>"))
	j := bytes.LastIndex(digested, []byte("</Seal>"))
	if i < 0 || j < i {
		return nil, verifyErr(LevelSeal, ErrMalformed, "no Seal in the sealed delivery")
	}
	var doc struct {
		ReceivedTime string `xml:"http://minameddelanden.gov.se/schema/Message ReceivedTime"`
		SignaturesOK string `xml:"http://minameddelanden.gov.se/schema/Message SignaturesOK"`
	}
	if err := xml.Unmarshal(digested[i:j+len("</Seal>")], &doc); err != nil {
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal: "+err.Error())
	}
	t, err := time.Parse("2006-01-02", trimDate(doc.ReceivedTime))
	if err != nil {
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal ReceivedTime is not a date")
	}
	var ok bool
	switch doc.SignaturesOK {
	case "true", "1":
		ok = true
	case "false", "0":
	default:
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal SignaturesOK is not a boolean")
	}
	return &Seal{ReceivedTime: t, SignaturesOK: ok}, nil
}

// trimDate drops an xs:date's time zone.
func trimDate(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}
