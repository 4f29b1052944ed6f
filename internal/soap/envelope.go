package soap

// Protocol constants of SOAP 1.1 as Mina meddelanden uses it (SPEC §2).
const (
	// NSEnvelope is the SOAP 1.1 envelope namespace. SOAP 1.2
	// (http://www.w3.org/2003/05/soap-envelope) is not spoken by the
	// infrastructure and is refused.
	NSEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	// NSCommonV3 is the namespace of applicationFault (ExceptionInformation).
	NSCommonV3 = "http://minameddelanden.gov.se/schema/Common/v3"

	// ContentType is the media type of every request and response.
	ContentType = "text/xml; charset=utf-8"
	// SOAPAction is the value of the SOAPAction header: every operation
	// of the contracts binds soapAction="", which goes on the wire as two
	// double quotes.
	SOAPAction = `""`
)

const (
	envelopeOpen  = `<soap:Envelope xmlns:soap="` + NSEnvelope + `"><soap:Body>`
	envelopeClose = `</soap:Body></soap:Envelope>`
)

// AppendEnvelope appends to dst a SOAP 1.1 envelope whose Body holds body,
// and returns the extended slice. body must be one element of canonical,
// prefix-free XML, such as internal/canon writes: it is copied as it is, so
// that signed bytes reach the wire untouched. The envelope declares no
// default namespace, so a body element without its own xmlns stays in no
// namespace. No XML declaration is written: UTF-8 is the default.
func AppendEnvelope(dst, body []byte) []byte {
	dst = append(dst, envelopeOpen...)
	dst = append(dst, body...)
	return append(dst, envelopeClose...)
}

// EnvelopeLen is the length of the envelope AppendEnvelope writes around a
// body of n bytes, so that callers can check size limits (SPEC §3: 2 MiB
// per envelope) before building it.
func EnvelopeLen(n int) int { return len(envelopeOpen) + n + len(envelopeClose) }
