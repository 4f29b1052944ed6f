package sign

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/avsandare/mm/internal/xmlseq"
	"github.com/avsandare/mm/internal/xmltok"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
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
// Element prefixes are stripped first (quirk 1), so documents that SOAP
// stacks prefixed or pretty-printed verify as long as their content is
// unchanged; each level is canonicalised by the rule its transform list
// states. The profile is enforced strictly: exactly one signature per
// level, as the last child of its root; exactly one Reference, URI="";
// the transform lists [enveloped-signature] and [enveloped-signature,
// exc-c14n]; algorithms from the allow-list (RSA only, SHA-1 only with
// AllowSHA1); a signer certificate among those in KeyInfo whose key
// verifies the signature, chained to Roots and valid at At; no comments,
// processing instructions or namespaced attributes inside signed content;
// no DTDs; one SOAP Body with one child. See the package documentation.
func Verify(doc []byte, opts VerifyOptions) (*Verified, error) {
	// The parser's and locate's errors quote the document (names,
	// namespaces): cleaned, as verifyErr cleans the rest.
	root, err := parseTree(doc, opts.Limits.withDefaults())
	if err != nil {
		return nil, safetext.CleanError(err)
	}
	target, sealed, err := locate(root)
	if err != nil {
		return nil, safetext.CleanError(err)
	}
	v := &Verified{}
	signed := target
	if sealed {
		seal, err := checkLevel(LevelSeal, target, opts, false, sizeHint(target))
		if err != nil {
			return nil, err
		}
		v.Levels = append(v.Levels, seal.level)
		if v.Seal, err = readSeal(seal.digested); err != nil {
			return nil, err
		}
		if !v.Seal.SignaturesOK {
			return nil, verifyErr(LevelSeal, ErrSignatureInvalid, "the seal says the signatures were not OK")
		}
		kids, _ := elementChildren(target)
		signed = kids[0]
	}
	// The sender signed SignedDelivery as its own root: it is checked as a
	// detached copy, and that copy, in canonical form with its signature,
	// is what a forwarder seals.
	sender, err := checkLevel(LevelSender, signed, opts, true, sizeHint(signed))
	if err != nil {
		return nil, err
	}
	v.Levels = append(v.Levels, sender.level)
	v.SignedDelivery = sender.signed
	if v.Delivery, err = message.ParseSignedDelivery(sender.digested); err != nil {
		return nil, verifyErr(LevelSender, ErrMalformed, err.Error())
	}
	lvl := sender.level
	v.SignerIsSender = lvl.Signer.OrgNumber != "" && lvl.Signer.OrgNumber == v.Delivery.Sender.ID
	return v, nil
}

// sizeHint is the capacity the canonical form of el starts with.
// Canonical forms are about as long as their source: end tags written out
// and namespaces declared add a little, prefixes and declarations dropped
// take a little.
func sizeHint(el *element) int { return el.size + el.size/16 + 1024 }

// locate finds the signed root in any of the forms Verify accepts.
func locate(root *element) (target *element, sealed bool, err error) {
	switch {
	case is(root, nsV3, "SignedDelivery"):
		return root, false, nil
	case is(root, nsV3, "SealedDelivery"):
		return root, true, nil
	case is(root, message.NSSOAP, "Envelope"):
		body, err := soapBody(root)
		if err != nil {
			return nil, false, err
		}
		payload, text := elementChildren(body)
		if len(payload) != 1 || text {
			return nil, false, fmt.Errorf("%w: SOAP Body holds %d elements%s, want exactly one deliverSecure", ErrMalformed, len(payload), andText(text))
		}
		return locate(payload[0])
	case is(root, message.NSServiceV3, "deliverSecure"):
		kids, text := elementChildren(root)
		if len(kids) != 1 || text || !is(kids[0], message.NSServiceV3, "deliverSecure") {
			return nil, false, fmt.Errorf("%w: deliverSecure must hold exactly one deliverSecure", ErrMalformed)
		}
		wire := kids[0]
		// Quirk 2: the seal was computed with SealedDelivery as the root.
		wire.ns, wire.local = nsV3, "SealedDelivery"
		return wire, true, nil
	}
	return nil, false, fmt.Errorf("%w: root {%s}%s is not a SignedDelivery, SealedDelivery, deliverSecure or SOAP envelope", ErrMalformed, root.ns, root.local)
}

// soapBody returns the one Body of a SOAP envelope, which may hold an
// optional Header before it and nothing else. Two bodies are refused
// rather than one of them picked: a reader that picked the other would
// see another delivery.
func soapBody(env *element) (*element, error) {
	kids, text := elementChildren(env)
	if text {
		return nil, fmt.Errorf("%w: SOAP Envelope holds text", ErrMalformed)
	}
	var body *element
	bodies := 0
	for i, k := range kids {
		switch {
		case is(k, message.NSSOAP, "Body"):
			bodies++
			body = k
		case i == 0 && is(k, message.NSSOAP, "Header"):
		default:
			return nil, fmt.Errorf("%w: SOAP Envelope holds {%s}%s: only an optional Header, then one Body", ErrMalformed, k.ns, k.local)
		}
	}
	if bodies != 1 {
		return nil, fmt.Errorf("%w: SOAP Envelope holds %d Body elements, want exactly one", ErrMalformed, bodies)
	}
	return body, nil
}

func andText(text bool) string {
	if text {
		return " and text"
	}
	return ""
}

// readSeal reads the Seal from the seal level's digested bytes, the
// canonical SealedDelivery without its signature, in the order the XSD
// prescribes: the signed delivery (skipped here; its own level reads it),
// then Seal with ReceivedTime and SignaturesOK, and nothing else.
func readSeal(digested []byte) (*Seal, error) {
	r := xmlseq.New(xmltok.NewDecoder(digested, xmltok.Options{}), xmlseq.Options{Stable: true})
	bad := func(err error) (*Seal, error) {
		if e, ok := errors.AsType[*xmlseq.Error](err); ok {
			return nil, verifyErr(LevelSeal, ErrMalformed, fmt.Sprintf("seal: at %s: %s", e.Path, e.Reason))
		}
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal: "+err.Error())
	}
	var received, ok string
	err := r.Start(nsV3, "SealedDelivery")
	if err == nil {
		err = r.Start(nsV3, "SignedDelivery")
	}
	if err == nil {
		err = r.Skip()
	}
	if err == nil {
		err = r.Start(nsV3, "Seal")
	}
	if err == nil {
		received, err = r.Leaf(nsMsg, "ReceivedTime")
	}
	if err == nil {
		ok, err = r.Leaf(nsMsg, "SignaturesOK")
	}
	for range 2 {
		if err == nil {
			err = r.End()
		}
	}
	if err == nil {
		err = r.EOF()
	}
	if err != nil {
		return bad(err)
	}
	t, err := time.Parse("2006-01-02", trimDate(received))
	if err != nil {
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal ReceivedTime is not a date")
	}
	var sigOK bool
	switch ok {
	case "true", "1":
		sigOK = true
	case "false", "0":
	default:
		return nil, verifyErr(LevelSeal, ErrMalformed, "seal SignaturesOK is not a boolean")
	}
	return &Seal{ReceivedTime: t, SignaturesOK: sigOK}, nil
}

// trimDate drops an xs:date's time zone.
func trimDate(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}
