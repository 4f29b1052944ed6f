package soap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

const (
	nsRecipientV3 = "http://minameddelanden.gov.se/schema/Recipient/v3"
	nsRecipient   = "http://minameddelanden.gov.se/schema/Recipient"
)

// isReachableResponse builds a FaR answer with n results, prefixed the way
// the real service writes it (see contracts/samples/isReachableResponse.xml).
func isReachableResponse(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version='1.0' encoding='UTF-8'?>` + "\n")
	b.WriteString(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>`)
	b.WriteString(`<ns1:isReachableResponse xmlns:ns1="` + nsRecipientV3 + `" xmlns:ns15="` + nsRecipient + `">`)
	for i := range n {
		fmt.Fprintf(&b, `
<ns1:return><ns15:AccountStatus><ns15:RecipientId>19%010d</ns15:RecipientId><ns15:Type>Secure</ns15:Type>`+
			`<ns15:Pending>false</ns15:Pending><ns15:ServiceSupplier><ns15:Id>165568402266</ns15:Id><ns15:Name>Kivra</ns15:Name>`+
			`<ns15:ServiceAdress>https://mm.kivra.example/service/v3</ns15:ServiceAdress><ns15:UIAdress>https://www.kivra.com</ns15:UIAdress>`+
			`<ns15:InternalServiceAdress/></ns15:ServiceSupplier><ns15:LastRegistration>2016-10-30T15:38:49.517+01:00</ns15:LastRegistration>`+
			`</ns15:AccountStatus><ns15:SenderAccepted>true</ns15:SenderAccepted></ns1:return>`, i)
	}
	b.WriteString(`</ns1:isReachableResponse></S:Body></S:Envelope>`)
	return b.Bytes()
}

// reach is what a FaR client keeps of one result; both parsers extract it.
type reach struct {
	RecipientID    string `xml:"AccountStatus>RecipientId"`
	Type           string `xml:"AccountStatus>Type"`
	Pending        bool   `xml:"AccountStatus>Pending"`
	ServiceAdress  string `xml:"AccountStatus>ServiceSupplier>ServiceAdress"`
	SenderAccepted bool   `xml:"SenderAccepted"`
}

type reachResponse struct {
	Return []reach `xml:"return"`
}

// decodeStd parses with this package: ReadResponse, then encoding/xml
// decodes the payload into structs, then End.
func decodeStd(body []byte) ([]reach, error) {
	var r reachResponse
	if err := Unmarshal(body, &r); err != nil {
		return nil, err
	}
	return r.Return, nil
}

// decodeEtree is the same extraction with etree: build the tree, walk it.
func decodeEtree(body []byte) ([]reach, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil {
		return nil, err
	}
	env := doc.Root()
	if env == nil || env.Tag != "Envelope" || env.NamespaceURI() != NSEnvelope {
		return nil, malformed("not an envelope")
	}
	bodyEl := env.SelectElement("Body")
	if bodyEl == nil || len(bodyEl.ChildElements()) == 0 {
		return nil, malformed("no body")
	}
	payload := bodyEl.ChildElements()[0]
	var out []reach
	for _, ret := range payload.SelectElements("return") {
		acc := ret.SelectElement("AccountStatus")
		if acc == nil {
			return nil, malformed("no AccountStatus")
		}
		r := reach{
			RecipientID:    childText(acc, "RecipientId"),
			Type:           childText(acc, "Type"),
			Pending:        childText(acc, "Pending") == "true",
			SenderAccepted: childText(ret, "SenderAccepted") == "true",
		}
		if sup := acc.SelectElement("ServiceSupplier"); sup != nil {
			r.ServiceAdress = childText(sup, "ServiceAdress")
		}
		out = append(out, r)
	}
	return out, nil
}

func childText(e *etree.Element, tag string) string {
	if c := e.SelectElement(tag); c != nil {
		return strings.TrimSpace(c.Text())
	}
	return ""
}

func TestBenchmarkParsersAgree(t *testing.T) {
	t.Parallel()
	body := isReachableResponse(1000)
	std, err := decodeStd(body)
	if err != nil {
		t.Fatal(err)
	}
	et, err := decodeEtree(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(std) != 1000 || fmt.Sprint(std) != fmt.Sprint(et) {
		t.Fatalf("parsers disagree: %d vs %d results", len(std), len(et))
	}
	if std[999].RecipientID != "190000000999" || std[0].ServiceAdress != "https://mm.kivra.example/service/v3" || !std[5].SenderAccepted {
		t.Fatalf("unexpected result %+v", std[999])
	}
}

// BenchmarkParseIsReachable compares encoding/xml (what ReadResponse uses)
// with etree on a FaR answer of 1000 results, each extracting the same
// fields: encoding-xml decodes into structs (Unmarshal), encoding-xml-tokens
// walks the tokens, etree builds the tree and walks it. start-only is the
// cost Call adds to every answer. Run:
//
//	go test -run '^$' -bench ParseIsReachable -benchmem ./internal/soap/
func BenchmarkParseIsReachable(b *testing.B) {
	body := isReachableResponse(1000)
	for _, p := range []struct {
		name  string
		parse func([]byte) ([]reach, error)
	}{
		{"encoding-xml", decodeStd},
		{"encoding-xml-tokens", decodeTokens},
		{"etree", decodeEtree},
		{"start-only", readStart},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// readStart is what Call parses of every answer: up to the payload's
// start, to tell a fault from a payload.
func readStart(body []byte) ([]reach, error) {
	_, err := ReadResponse(body)
	return nil, err
}

// decodeTokens walks the payload token by token, the cheapest way
// encoding/xml offers, to show what struct decoding costs on top.
func decodeTokens(body []byte) ([]reach, error) {
	p, err := ReadResponse(body)
	if err != nil {
		return nil, err
	}
	var out []reach
	var cur reach
	var field string
	depth := 1
	for depth > 0 {
		t, err := p.Decoder.Token()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
			field = t.Name.Local
			if field == "return" {
				cur = reach{}
			}
		case xml.CharData:
			switch field {
			case "RecipientId":
				cur.RecipientID = string(t)
			case "Type":
				cur.Type = string(t)
			case "Pending":
				cur.Pending = string(t) == "true"
			case "ServiceAdress":
				cur.ServiceAdress = string(t)
			case "SenderAccepted":
				cur.SenderAccepted = string(t) == "true"
			}
		case xml.EndElement:
			depth--
			field = ""
			if t.Name.Local == "return" {
				out = append(out, cur)
			}
		}
	}
	return out, p.End()
}
