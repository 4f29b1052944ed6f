package receipt_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// An operator's answer to deliverSecure becomes a receipt, and the receipt
// goes to the audit log with the personal identity number masked.
func Example() {
	answer := []byte(`<ns8:deliverSecureResponse xmlns:ns8="http://minameddelanden.gov.se/schema/Service/v3" xmlns:ns10="http://minameddelanden.gov.se/schema/Service">` +
		`<ns8:return><ns10:TransId>3832352f-fa74-4c17-ab6a-a6e3ab8324f3</ns10:TransId>` +
		`<ns10:Status><ns10:RecipientId>195303231855</ns10:RecipientId><ns10:Delivered>true</ns10:Delivered></ns10:Status>` +
		`</ns8:return></ns8:deliverSecureResponse>`)
	res, err := receipt.ParseDeliverSecureResponse(answer)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := receipt.FromDeliveryResult(receipt.Attempt{
		MessageID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",
		Recipient: message.RecipientID("195303231855"),
		Operator:  message.Operator{ID: "165560000010", Name: "Operatör A"},
		Request:   []byte("…the SOAP request body sent…"),
		Attempts:  1,
		At:        time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC),
	}, res)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(r)
	fmt.Println(r.Channel, r.State)
	fmt.Println(string(b))
	// Output:
	// digital delivered
	// {"messageId":"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b","recipient":"19530323****","recipientMasked":true,"channel":"digital","state":"delivered","operator":{"id":"165560000010","name":"Operatör A"},"transId":"3832352f-fa74-4c17-ab6a-a6e3ab8324f3","delivered":true,"sealedSha256":"031f0566d94f7e7d50ffc97ce605a464b1124f0696b80c0aa4ab536b64a16eac","at":"2026-11-26T10:30:00Z","attempts":1}
}
