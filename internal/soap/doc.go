// Package soap is the SOAP 1.1 layer every client of the SDK speaks to the
// infrastructure with (SPEC §2, §7, §8), and the fake infrastructure
// answers with: envelopes around canonical payloads (AppendEnvelope),
// streaming reads of answers whatever their prefixes (ReadResponse,
// Unmarshal), faults as typed errors (*Fault, with the §5.2 codes and
// Retryable) and their server-side form (AppendFault, WriteFault), and an
// HTTP transport over mutual TLS (NewHTTPClient, Client.Call) that retries
// technical failures with backoff and jitter, never application faults,
// never follows redirects and bounds what it reads.
//
// A fault without an error code the SDK can read (no detail, an empty
// one, an unreadable ExceptionInformation) is classified by its SOAP 1.1
// faultcode: retried, and a delivery left unknown, unless the server
// blames the request (soap:Client); fault.go gives the reasons.
//
// Parsing uses encoding/xml rather than etree: on a FaR answer of 1000
// results, walking its tokens is the fastest of the ways measured and
// allocates least, and decoding into structs costs about what etree does
// with fewer bytes and allocations (BenchmarkParseIsReachable); either way
// the payload is decoded as a stream instead of a tree built first.
//
//	cert, _ := soap.CertificateFromPKCS12(p12, password)
//	hc, _ := soap.NewHTTPClient(soap.TLSConfig{Certificate: cert, Roots: roots})
//	c, _ := soap.New(soap.Config{HTTPClient: hc})
//	resp, err := c.Call(ctx, farURL, soap.AppendEnvelope(nil, request))
//	if f, ok := errors.AsType[*soap.Fault](err); ok { /* f.Code, f.Retryable() */ }
//	var answer isReachableResponse
//	err = soap.Unmarshal(resp.Body, &answer)
package soap
