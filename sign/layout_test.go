package sign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

// operatorPrefixes are the prefixes of the mailbox operator's own test
// request (kivra/ews, xmerl_dsig.erl's Skatteverket test): every namespace
// a delivery uses, declared once on the envelope.
var operatorPrefixes = []struct{ prefix, ns string }{
	{"p1", message.NSMessage},
	{"p2", message.NSMessageV2},
	{"p3", message.NSMessageV3},
	{"p4", message.NSSender},
	{"p5", message.NSServiceV3},
	{"p6", message.NSSOAP},
	{"p7", message.NSDSig},
}

// operatorLayout lays a standalone SealedDelivery out as that request
// does: no XML declaration, an envelope with a Body and no Header, the
// children of SealedDelivery in p5:deliverSecure/p5:deliverSecure, every
// element prefixed, every namespace declared on p6:Envelope. Declarations
// of prefixes no element uses (xmlns:xsi …) stay where they were written.
// It reads with encoding/xml, not with the package under test.
func operatorLayout(t testing.TB, sealed []byte) []byte {
	t.Helper()
	return layout(t, sealed, true)
}

// prefixFreeLayout is operatorLayout without prefixes: each element
// declares its namespace as the default where it changes, as the SDK
// writes its own requests.
func prefixFreeLayout(t testing.TB, sealed []byte) []byte {
	t.Helper()
	return layout(t, sealed, false)
}

func layout(t testing.TB, sealed []byte, prefixed bool) []byte {
	t.Helper()
	prefixOf := map[string]string{}
	var b bytes.Buffer
	if prefixed {
		b.WriteString("<p6:Envelope")
		for _, p := range operatorPrefixes {
			prefixOf[p.ns] = p.prefix
			b.WriteString(" xmlns:" + p.prefix + `="` + p.ns + `"`)
		}
		b.WriteString("><p6:Body><p5:deliverSecure><p5:deliverSecure>")
	} else {
		b.WriteString(`<Envelope xmlns="` + message.NSSOAP + `"><Body><deliverSecure xmlns="` + message.NSServiceV3 + `"><deliverSecure>`)
	}
	nsStack := []string{message.NSServiceV3}
	qname := func(n xml.Name) string {
		if !prefixed {
			return n.Local
		}
		p, ok := prefixOf[n.Space]
		require.True(t, ok, "no prefix for %s", n.Space)
		return p + ":" + n.Local
	}
	d := xml.NewDecoder(bytes.NewReader(sealed))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				require.Equal(t, xml.Name{Space: nsV3, Local: "SealedDelivery"}, tok.Name)
				continue
			}
			b.WriteString("<" + qname(tok.Name))
			if !prefixed && tok.Name.Space != nsStack[len(nsStack)-1] {
				b.WriteString(` xmlns="` + escape(tok.Name.Space) + `"`)
			}
			nsStack = append(nsStack, tok.Name.Space)
			for _, a := range tok.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
				case a.Name.Space == "xmlns":
					b.WriteString(" xmlns:" + a.Name.Local + `="` + escape(a.Value) + `"`)
				case a.Name.Space == "":
					b.WriteString(" " + a.Name.Local + `="` + escape(a.Value) + `"`)
				default:
					t.Fatalf("attribute %v outside the profile", a.Name)
				}
			}
			b.WriteString(">")
		case xml.EndElement:
			depth--
			if depth > 0 {
				b.WriteString("</" + qname(tok.Name) + ">")
				nsStack = nsStack[:len(nsStack)-1]
			}
		case xml.CharData:
			if depth > 1 {
				b.WriteString(escape(string(tok)))
			}
		}
	}
	if prefixed {
		b.WriteString("</p5:deliverSecure></p5:deliverSecure></p6:Body></p6:Envelope>")
	} else {
		b.WriteString("</deliverSecure></deliverSecure></Body></Envelope>")
	}
	return b.Bytes()
}

func escape(s string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		panic(err)
	}
	return b.String()
}

// withRootDeclarations adds namespace declarations no element uses to the
// root start tag of a prefix-free document, as .NET's XmlSerializer writes
// xmlns:xsi and xmlns:xsd.
func withRootDeclarations(t testing.TB, doc []byte, decls string) []byte {
	t.Helper()
	i := bytes.IndexByte(doc, '>')
	require.Positive(t, i)
	return append(append(append([]byte{}, doc[:i]...), decls...), doc[i:]...)
}

// netDecls are the declarations .NET serialisers put on every root.
const netDecls = ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"`
