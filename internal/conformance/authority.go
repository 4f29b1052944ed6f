package conformance

import (
	"os"
	"path/filepath"
	"testing"
)

// AuthorityXSD writes, and returns the path of, a schema for the Authority
// service's answers getSendersResponse and getDispatchersResponse. The
// contracts describe the operations (§3.2.2–3.2.3) and their item types
// (Sender.xsd, Dispatcher.xsd) but publish no wrapper elements; this schema
// declares the wrappers the SDK assumes, on top of the official item types,
// so that at least those are checked by xmllint.
func AuthorityXSD(t testing.TB) string {
	t.Helper()
	c := Contracts(t)
	schema := `<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://www.w3.org/2001/XMLSchema"
        xmlns:sender="http://minameddelanden.gov.se/schema/Sender"
        xmlns:disp="http://minameddelanden.gov.se/schema/Dispatcher"
        targetNamespace="http://minameddelanden.gov.se/schema/Authority"
        elementFormDefault="qualified">
  <include schemaLocation="` + filepath.Join(c, "schema", "Authority.xsd") + `"/>
  <import namespace="http://minameddelanden.gov.se/schema/Sender" schemaLocation="` + filepath.Join(c, "schema", "Sender.xsd") + `"/>
  <import namespace="http://minameddelanden.gov.se/schema/Dispatcher" schemaLocation="` + filepath.Join(c, "schema", "Dispatcher.xsd") + `"/>
  <element name="getSendersResponse"><complexType><sequence>
    <element name="return" type="sender:Sender" minOccurs="0" maxOccurs="unbounded"/>
  </sequence></complexType></element>
  <element name="getDispatchersResponse"><complexType><sequence>
    <element name="return" type="disp:Dispatcher" minOccurs="0" maxOccurs="unbounded"/>
  </sequence></complexType></element>
</schema>
`
	path := filepath.Join(t.TempDir(), "AuthorityAnswers.xsd")
	if err := os.WriteFile(path, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
