package soap

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/avsandare/mm/safetext"
)

// FuzzReadResponse feeds ReadResponse, the payload's decoding and End with
// arbitrary bytes: no panic, and every error is either a *Fault or wraps
// ErrMalformed. Run it for a while with
//
//	go test -run '^$' -fuzz FuzzReadResponse -fuzztime 1m ./internal/soap/
func FuzzReadResponse(f *testing.F) {
	for _, name := range []string{"isReachableResponse.xml", "isRegisteredResponse.xml", "deliverSecureResponse.xml"} {
		// Read directly: a fuzz target's seeds must not skip when
		// ../shared is missing.
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "contracts", "samples", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add(isReachableResponse(2))
	f.Add(AppendFault(nil, 5001, "x", callID))
	f.Add([]byte(faultWithCode("0")))
	f.Add([]byte(bareFault("S:Server")))
	f.Add(AppendFaultDetail(nil, AuthorityFault("getSenders"), 5002, "x", callID))
	f.Add([]byte(faultWithCode("<x>1</x>")))
	f.Add([]byte(faultWithCode("12000")))
	f.Add(testEnvelope)
	f.Add([]byte(`<!DOCTYPE x><soap:Envelope xmlns:soap="` + NSEnvelope + `"><soap:Body><a/></soap:Body></soap:Envelope>`))
	f.Add([]byte("<html>Bad gateway</html>"))
	f.Add([]byte(`<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><x:r xmlns:x="urn:195303231855&#xA;x"/></S:Body></S:Envelope>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadResponse(data)
		if err != nil {
			check(t, err)
			return
		}
		if p.Start.Name.Local == "" {
			t.Fatal("payload without a name")
		}
		if err := p.Decoder.Skip(); err != nil {
			return // the caller's decoding failed: theirs to report
		}
		if err := p.End(); err != nil {
			check(t, err)
		}
		var v struct {
			Inner []byte `xml:",innerxml"`
		}
		if err := Unmarshal(data, &v); err != nil {
			check(t, err)
		}
	})
}

func check(t *testing.T, err error) {
	t.Helper()
	// Whatever the document held, the error shows it cleaned.
	if msg := err.Error(); safetext.Clean(msg) != msg {
		t.Fatalf("error text not clean: %q", msg)
	}
	if f, ok := errors.AsType[*Fault](err); ok {
		if f.Code < NoCode || f.Code > lastCode {
			t.Fatalf("fault code %d outside NoCode and 0–9999", f.Code)
		}
		if f.Code != NoCode && f.UnreadableDetail != "" {
			t.Fatalf("fault code %d with an unreadable detail: %s", f.Code, f.UnreadableDetail)
		}
		return
	}
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("error neither *Fault nor ErrMalformed: %v", err)
	}
}

// FuzzAppendFault: whatever a server puts in a fault, the envelope is
// well-formed and reads back with the same code, description (less what
// XML cannot carry, and cleaned by safetext) and call id.
func FuzzAppendFault(f *testing.F) {
	f.Add(5001, "Felaktigt indata", callID)
	f.Add(1, "a\x00b\r\n<&>]]>", "id")
	f.Add(9998, "\xff\xfe", "")
	f.Fuzz(func(t *testing.T, code int, description, id string) {
		if code < 0 {
			code = -code
		}
		if code < 0 { // math.MinInt
			code = 0
		}
		code %= lastCode + 1 // a code outside §5.2 reads back as NoCode
		env := AppendFault(nil, code, description, id)
		_, err := ReadResponse(env)
		got, ok := errors.AsType[*Fault](err)
		if !ok {
			t.Fatalf("fault does not read back: %v\n%s", err, env)
		}
		if got.Code != code || got.Description != safetext.Clean(xmlSafe(description)) || got.FaultString != got.Description {
			t.Fatalf("read back %+v from code %d description %q", got, code, description)
		}
		if id != "" && got.CallID != safetext.Clean(strings.Trim(xmlSafe(id), xmlSpace)) {
			t.Fatalf("call id %q read back as %q", id, got.CallID)
		}
		if !utf8.Valid(env) || xml.Unmarshal(env, new(struct{})) != nil {
			t.Fatalf("envelope is not well-formed UTF-8 XML")
		}
	})
}
