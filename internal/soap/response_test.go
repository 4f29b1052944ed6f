package soap

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadResponseSamples(t *testing.T) {
	t.Parallel()
	type status struct {
		RecipientID   string `xml:"RecipientId"`
		Type          string `xml:"Type"`
		ServiceAdress string `xml:"ServiceSupplier>ServiceAdress"`
	}
	tests := []struct {
		sample string
		start  xml.Name
		check  func(t *testing.T, p *Payload)
	}{
		{"isReachableResponse.xml", xml.Name{Space: nsRecipientV3, Local: "isReachableResponse"}, func(t *testing.T, p *Payload) {
			var r struct {
				Return []struct {
					AccountStatus  status `xml:"AccountStatus"`
					SenderAccepted bool   `xml:"SenderAccepted"`
				} `xml:"return"`
			}
			require.NoError(t, p.Decoder.DecodeElement(&r, &p.Start))
			require.Len(t, r.Return, 1)
			assert.Equal(t, status{"192301010168", "Secure", "http://localhost:9090/deliversecure"}, r.Return[0].AccountStatus)
			assert.True(t, r.Return[0].SenderAccepted)
		}},
		{"isRegisteredResponse.xml", xml.Name{Space: nsRecipientV3, Local: "isRegisteredResponse"}, func(t *testing.T, p *Payload) {
			var r struct {
				Return []status `xml:"return"`
			}
			require.NoError(t, p.Decoder.DecodeElement(&r, &p.Start))
			assert.Equal(t, []status{{"192301010160", "Secure", "https://sandbox-mm.kivra.com/service/v3"}}, r.Return)
		}},
		{"deliverSecureResponse.xml", xml.Name{Space: "http://minameddelanden.gov.se/schema/Service/v3", Local: "deliverSecureResponse"}, func(t *testing.T, p *Payload) {
			var r struct {
				TransID string `xml:"return>TransId"`
				Status  []struct {
					RecipientID string `xml:"http://minameddelanden.gov.se/schema/Service RecipientId"`
					Delivered   bool   `xml:"http://minameddelanden.gov.se/schema/Service Delivered"`
				} `xml:"return>Status"`
			}
			require.NoError(t, p.Decoder.DecodeElement(&r, &p.Start))
			assert.Equal(t, "3832352f-fa74-4c17-ab6a-a6e3ab8324f3", r.TransID)
			require.Len(t, r.Status, 1)
			assert.Equal(t, "192301010168", r.Status[0].RecipientID)
			assert.True(t, r.Status[0].Delivered)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			p, err := ReadResponse(conformance.Sample(t, tt.sample))
			require.NoError(t, err)
			assert.Equal(t, tt.start, p.Start.Name)
			tt.check(t, p)
			assert.NoError(t, p.End())
		})
	}
}

func TestReadResponseMalformed(t *testing.T) {
	t.Parallel()
	const env = `<soap:Envelope xmlns:soap="` + NSEnvelope + `">`
	const payload = `<a xmlns="urn:a"><b>1</b></a>`
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty", "", "empty document"},
		{"white space only", " \n ", "empty document"},
		{"not xml", "hello, world", "text in document where only elements belong"},
		{"html", "<html><body>Bad gateway</body></html>", "root element html is not a SOAP envelope"},
		{"json", `{"error": "x"}`, "text in document"},
		{"soap 1.2", `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>` + payload + `</e:Body></e:Envelope>`,
			`envelope namespace "http://www.w3.org/2003/05/soap-envelope" is not SOAP 1.1`},
		{"no namespace", `<Envelope><Body>` + payload + `</Body></Envelope>`, `envelope namespace "" is not SOAP 1.1`},
		{"missing body", env + `</soap:Envelope>`, "envelope has no Body"},
		{"header only", env + `<soap:Header></soap:Header></soap:Envelope>`, "envelope has no Body"},
		{"foreign element before body", env + `<x/><soap:Body>` + payload + `</soap:Body></soap:Envelope>`, "unexpected element x in Envelope, want Body"},
		{"empty body", env + `<soap:Body>  </soap:Body></soap:Envelope>`, "Body is empty"},
		{"text in body", env + `<soap:Body>oops` + payload + `</soap:Body></soap:Envelope>`, "text in Body where only elements belong"},
		{"doctype", `<!DOCTYPE soap:Envelope [<!ENTITY x "y">]>` + env + `<soap:Body>` + payload + `</soap:Body></soap:Envelope>`, "DTDs and other directives are not allowed"},
		{"directive in body", env + `<soap:Body><!DOCTYPE a>` + payload + `</soap:Body></soap:Envelope>`, "DTDs and other directives are not allowed"},
		{"unknown entity", env + `<soap:Body>&xxe;</soap:Body></soap:Envelope>`, "invalid character entity &xxe;"},
		{"truncated in envelope", env + `<soap:Bo`, "unexpected EOF"},
		{"truncated before body", env, "unexpected EOF"},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + env + `<soap:Body>` + payload + `</soap:Body></soap:Envelope>`, `encoding "ISO-8859-1" declared`},
		{"mismatched tags", env + `<soap:Body></soap:Envelope>`, "element <Body> closed by </Envelope>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ReadResponse([]byte(tt.doc))
			assert.Nil(t, p)
			require.ErrorIs(t, err, ErrMalformed)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "malformed soap envelope: "), err.Error())
		})
	}
}

// TestPayloadEnd covers what can only be found after the payload: the
// caller decodes it, then End checks the rest.
func TestPayloadEnd(t *testing.T) {
	t.Parallel()
	const env = `<soap:Envelope xmlns:soap="` + NSEnvelope + `"><soap:Body>`
	const payload = `<a xmlns="urn:a"><b>1</b></a>`
	tests := []struct {
		name string
		doc  string
		want string // "" for success
	}{
		{"plain", env + payload + `</soap:Body></soap:Envelope>`, ""},
		{"white space, comments and a header", "<?xml version='1.0'?>\n<!-- c -->" + `<soap:Envelope xmlns:soap="` + NSEnvelope + `">` +
			"\n <soap:Header><h xmlns='urn:h'>x</h></soap:Header>\n <soap:Body>\n " + payload + "\n<!-- c --></soap:Body>\n</soap:Envelope>\n<!-- end -->\n", ""},
		{"trailing text", env + payload + `</soap:Body></soap:Envelope>garbage`, "text after Envelope"},
		{"second root", env + payload + `</soap:Body></soap:Envelope><soap:Envelope/>`, "content after Envelope"},
		{"trailing directive", env + payload + `</soap:Body></soap:Envelope><!DOCTYPE x>`, "DTDs and other directives are not allowed"},
		{"second element in body", env + payload + payload + `</soap:Body></soap:Envelope>`, "unexpected element {urn:a}a in Body"},
		{"element after body", env + payload + `</soap:Body><x/></soap:Envelope>`, "unexpected element x in Envelope"},
		{"truncated payload", env + `<a xmlns="urn:a"><b>1</b>`, "unexpected EOF"},
		{"truncated after body", env + payload + `</soap:Body>`, "unexpected EOF"},
		{"directive in payload", env + `<a xmlns="urn:a"><!DOCTYPE a><b>1</b></a></soap:Body></soap:Envelope>`, "DTDs and other directives are not allowed"},
	}
	type A struct {
		B int `xml:"b"`
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a A
			err := Unmarshal([]byte(tt.doc), &a)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 1, a.B)
				return
			}
			require.ErrorIs(t, err, ErrMalformed)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReadRequest(t *testing.T) {
	t.Parallel()
	p, err := ReadRequest(testEnvelope)
	require.NoError(t, err)
	assert.Equal(t, xml.Name{Space: "urn:test", Local: "ping"}, p.Start.Name)
	require.NoError(t, p.Decoder.Skip())
	assert.NoError(t, p.End())

	_, err = ReadRequest(AppendFault(nil, 5001, "x", callID))
	assert.ErrorIs(t, err, ErrMalformed)
	assert.ErrorContains(t, err, "Fault in a request")
}

func TestAppendEnvelope(t *testing.T) {
	t.Parallel()
	body := []byte(`<ping xmlns="urn:test">å &amp; ö</ping>`)
	prefix := []byte("keep:")
	got := AppendEnvelope(prefix, body)
	want := `keep:<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<ping xmlns="urn:test">å &amp; ö</ping></soap:Body></soap:Envelope>`
	assert.Equal(t, want, string(got))
	assert.Equal(t, len(want)-len("keep:"), EnvelopeLen(len(body)))

	var v struct {
		Text string `xml:",chardata"`
	}
	require.NoError(t, Unmarshal(got[len("keep:"):], &v))
	assert.Equal(t, "å & ö", v.Text)
}

func TestCheckContentType(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v  string
		ok bool
	}{
		{"text/xml; charset=utf-8", true},
		{"text/xml", true},
		{"TEXT/XML; Charset=UTF-8", true},
		{`text/xml;charset="utf-8"`, true},
		{"text/xml; charset=iso-8859-1", false},
		{"application/soap+xml; charset=utf-8", false},
		{"application/xml", false},
		{"text/html; charset=utf-8", false},
		{"", false},
		{"text/xml; charset", false},
	} {
		err := CheckContentType(tt.v)
		if tt.ok {
			assert.NoError(t, err, tt.v)
		} else {
			assert.ErrorIs(t, err, ErrNotSOAP, tt.v)
		}
	}
}
