package xmlseq_test

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/avsandare/mm/internal/xmlseq"
)

func Example() {
	const ns = "urn:example"
	doc := `<!-- an answer --><s:Status xmlns:s="urn:example"><s:RecipientId>195303231855</s:RecipientId><s:Delivered>true</s:Delivered></s:Status>`
	r := xmlseq.New(xml.NewDecoder(strings.NewReader(doc)), xmlseq.Options{MaxText: 1024})
	if err := r.Start(ns, "Status"); err != nil {
		fmt.Println(err)
		return
	}
	id, err := r.Leaf(ns, "RecipientId")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("recipient", id)
	_, err = r.Leaf(ns, "Channel")
	fmt.Println(err)
	// Output:
	// recipient 195303231855
	// at /Status: want element Channel in namespace urn:example, got Delivered in namespace urn:example
}
