package conformance

import (
	"bytes"
	"errors"
)

const (
	nsServiceV3 = "http://minameddelanden.gov.se/schema/Service/v3"
	nsMessageV3 = "http://minameddelanden.gov.se/schema/Message/v3"
)

// SealedFromWire turns the deliverSecure body of a request the SDK wrote
// (canonical, prefix-free) back into the standalone SealedDelivery the seal
// was computed over, and cuts out the standalone SignedDelivery, so that
// xmlsec1 — which knows nothing of the infrastructure's quirks — can check
// both signatures.
func SealedFromWire(request []byte) (sealed, signed []byte, err error) {
	open := []byte(`<deliverSecure xmlns="` + nsServiceV3 + `"><deliverSecure>`)
	i := bytes.Index(request, open)
	j := bytes.LastIndex(request, []byte(`</deliverSecure></deliverSecure>`))
	if i < 0 || j < i {
		return nil, nil, errors.New("no deliverSecure element in the request")
	}
	inner := request[i+len(open) : j]
	signedOpen := []byte(`<SignedDelivery xmlns="` + nsMessageV3 + `">`)
	k := bytes.Index(inner, []byte("</SignedDelivery>"))
	if !bytes.HasPrefix(inner, signedOpen) || k < 0 {
		return nil, nil, errors.New("deliverSecure does not start with SignedDelivery")
	}
	signed = append([]byte{}, inner[:k+len("</SignedDelivery>")]...)
	rest := bytes.Replace(inner[len(signedOpen):], []byte(`<Seal xmlns="`+nsMessageV3+`">`), []byte("<Seal>"), 1)
	sealed = append([]byte(`<SealedDelivery xmlns="`+nsMessageV3+`"><SignedDelivery>`), rest...)
	return append(sealed, "</SealedDelivery>"...), signed, nil
}
