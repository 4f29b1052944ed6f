package xmltok_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/avsandare/mm/internal/xmltok"
)

func ExampleDecoder_Token() {
	doc := []byte(`<Delivery xmlns="urn:mm" xmlns:s="urn:sig"><s:Value Id="x">AQID</s:Value></Delivery>`)
	d := xmltok.NewDecoder(doc, xmltok.Options{})
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			fmt.Printf("start {%s}%s\n", t.Name.Space, t.Name.Local)
		case xml.CharData:
			fmt.Printf("text %q\n", t)
		case xml.EndElement:
			fmt.Printf("end {%s}%s\n", t.Name.Space, t.Name.Local)
		}
	}
	// Output:
	// start {urn:mm}Delivery
	// start {urn:sig}Value
	// text "AQID"
	// end {urn:sig}Value
	// end {urn:mm}Delivery
}

func ExampleSyntaxError() {
	d := xmltok.NewDecoder([]byte(`<a><p:b/></a>`), xmltok.Options{})
	var err error
	for err == nil {
		_, err = d.Token()
	}
	var se *xmltok.SyntaxError
	if errors.Is(err, xmltok.ErrSyntax) && errors.As(err, &se) {
		fmt.Println(se.Offset, se.Msg)
	}
	// Output:
	// 3 undeclared namespace prefix p in p:b
}
