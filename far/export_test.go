package far

import (
	"encoding/xml"

	"github.com/avsandare/mm/message"
)

// The readers of whole answers, as the client uses them, for the fuzz
// targets, benchmarks and sample tests of package far_test.

func ReadIsReachable(body []byte, asked []message.RecipientID, out []Reachability) error {
	return readAnswer(body, func(w *walker, start xml.StartElement) error { return decodeIsReachable(w, start, asked, out) })
}

func ReadIsRegistered(body []byte, asked []message.RecipientID, out []Account) error {
	return readAnswer(body, func(w *walker, start xml.StartElement) error { return decodeIsRegistered(w, start, asked, out) })
}

func ReadSenders(body []byte) (out []RegisteredSender, err error) {
	err = readAnswer(body, func(w *walker, start xml.StartElement) error { out, err = decodeSenders(w, start); return err })
	return out, err
}

func ReadDispatchers(body []byte) (out []Dispatcher, err error) {
	err = readAnswer(body, func(w *walker, start xml.StartElement) error { out, err = decodeDispatchers(w, start); return err })
	return out, err
}

func ReadSenderAccepted(body []byte) (out bool, err error) {
	err = readAnswer(body, func(w *walker, start xml.StartElement) error { out, err = decodeSenderAccepted(w, start); return err })
	return out, err
}

var ParseDateTime = parseDateTime

// The request writers, for validation against the XSD.
var (
	AppendIsReachable      = appendIsReachable
	AppendIsRegistered     = appendIsRegistered
	AppendAuthority        = appendAuthorityRequest
	AppendIsSenderAccepted = appendIsSenderAccepted
)

// CacheLen is how many answers the client's cache holds.
func CacheLen(c *Client) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cache)
}
