package xmltok

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// attachmentDoc is the shape that made encoding/xml the bottleneck: a
// delivery of about size bytes, nearly all of it one base64 text node,
// wrapped at 76 columns as MIME encoders do.
func attachmentDoc(size int) []byte {
	raw := make([]byte, size*3/4)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	b64 := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<SignedDelivery xmlns="http://minameddelanden.gov.se/schema/Message/v3"><Delivery><Message>`)
	b.WriteString(`<Attachment><ContentType>application/pdf</ContentType><Filename>brev.pdf</Filename><Body>`)
	for len(b64) > 76 {
		b.WriteString(b64[:76])
		b.WriteByte('\n')
		b64 = b64[76:]
	}
	b.WriteString(b64)
	b.WriteString(`</Body></Attachment></Message></Delivery></SignedDelivery>`)
	return b.Bytes()
}

// smallElementsDoc is the other shape: about size bytes of small,
// indented elements with prefixes, attributes and short text.
func smallElementsDoc(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:mm:v3"><soap:Body><List>` + "\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `  <Item Id="id-%d" xml:lang="sv"><Name>Mottagare %d</Name><Value type="int">%d</Value><Note>a &amp; b</Note><Empty/></Item>`+"\n", i, i, i*7)
	}
	b.WriteString("</List></soap:Body></soap:Envelope>\n")
	return b.Bytes()
}

var benchDocs = []struct {
	name string
	doc  []byte
}{
	{"attachment-2MiB", attachmentDoc(2 << 20)},
	{"small-elements-1MiB", smallElementsDoc(1 << 20)},
}

func BenchmarkToken(b *testing.B) {
	for _, bd := range benchDocs {
		b.Run(bd.name+"/xmltok", func(b *testing.B) {
			benchDecode(b, bd.doc, func() func() (xml.Token, error) {
				return NewDecoder(bd.doc, Options{}).Token
			})
		})
		b.Run(bd.name+"/encoding-xml", func(b *testing.B) {
			benchDecode(b, bd.doc, func() func() (xml.Token, error) {
				d := xml.NewDecoder(bytes.NewReader(bd.doc))
				d.Strict = true
				return d.Token
			})
		})
	}
}

// benchDecode reads doc to the end with the Token function newToken makes
// for each pass.
func benchDecode(b *testing.B, doc []byte, newToken func() func() (xml.Token, error)) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		token := newToken()
		for {
			_, err := token()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSkip measures skipping the whole root, as a verifier does with
// content it only needs checked.
func BenchmarkSkip(b *testing.B) {
	for _, bd := range benchDocs {
		b.Run(bd.name, func(b *testing.B) {
			b.SetBytes(int64(len(bd.doc)))
			b.ReportAllocs()
			for b.Loop() {
				d := NewDecoder(bd.doc, Options{})
				for {
					tok, err := d.Token()
					if err != nil {
						b.Fatal(err)
					}
					if _, ok := tok.(xml.StartElement); ok {
						break
					}
				}
				if err := d.Skip(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchDocsAreWellFormed(t *testing.T) {
	t.Parallel()
	for _, bd := range benchDocs {
		got := decodeAll(bd.doc)
		if got.err != nil || len(got.toks) < 5 || !strings.HasPrefix(bd.name, "attachment") && len(got.toks) < 1000 {
			t.Fatalf("%s: %d tokens, %v", bd.name, len(got.toks), got.err)
		}
		checkAgainstStd(t, bd.doc)
	}
}
