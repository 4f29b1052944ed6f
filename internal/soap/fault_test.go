package soap

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xmlSpoof is, as XML text, a C1 control sequence that clears the line,
// a carriage return, a fake line and a bidirectional override.
const xmlSpoof = `&#x9B;2K&#xD;mm send: message delivered OK&#xA;&#x202E;`

func TestReadFault(t *testing.T) {
	t.Parallel()
	const jaxws = `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault xmlns:ns4="http://www.w3.org/2003/05/soap-envelope">` +
		`<faultcode>S:Server</faultcode><faultstring>Mottagaren 195303231855 saknas</faultstring>` +
		`<detail><ns2:applicationFault xmlns:ns2="` + NSCommonV3 + `" xmlns:ns3="http://minameddelanden.gov.se/schema/Common">` +
		`<ns2:ErrorCode>5003</ns2:ErrorCode><ns2:Description>Mottagaren 195303231855 saknas</ns2:Description>` +
		`<ns2:CallId>0a1b2c3d-4e5f-6789-abcd-ef0123456789</ns2:CallId></ns2:applicationFault></detail></S:Fault></S:Body></S:Envelope>`
	tests := []struct {
		name string
		doc  string
		want Fault
	}{
		{"jax-ws with prefixes", jaxws, Fault{Code: 5003, Description: "Mottagaren 19530323**** saknas",
			CallID: "0a1b2c3d-4e5f-6789-abcd-ef0123456789", FaultCode: "soap:Server", FaultString: "Mottagaren 19530323**** saknas"}},
		// What a hostile server writes to print a line of its own (ESC
		// cannot be in XML; C1's CSI, U+009B, does the same on many
		// terminals) and a personal number: neither survives the reading.
		{"hostile texts", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode>` +
			`<faultstring>195303231855` + xmlSpoof + `</faultstring><detail><applicationFault xmlns="` + NSCommonV3 + `">` +
			`<ErrorCode>5001</ErrorCode><Description>Mottagaren 530323-1855` + xmlSpoof + `</Description>` +
			`<CallId>id` + xmlSpoof + `</CallId></applicationFault></detail></S:Fault></S:Body></S:Envelope>`,
			Fault{Code: 5001, Description: `Mottagaren 530323-****�2K\rmm send: message delivered OK\n�`, CallID: `id�2K\rmm send: message delivered OK\n�`,
				FaultCode: "soap:Server", FaultString: `19530323****�2K\rmm send: message delivered OK\n�`}},
		{"as AppendFault writes it", string(AppendFault(nil, 1000, "a < b & c", callID)),
			Fault{Code: 1000, Description: "a < b & c", CallID: callID, FaultCode: "soap:Server", FaultString: "a < b & c"}},
		{"without detail", bareFault("S:Server"), Fault{Code: NoCode, FaultCode: "soap:Server", FaultString: "internal error"}},
		{"empty detail", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>x</faultstring><detail/></S:Fault></S:Body></S:Envelope>`,
			Fault{Code: NoCode, FaultCode: "soap:Server", FaultString: "x"}},
		{"faultcode with an unknown prefix", bareFault("x:Server"), Fault{Code: NoCode, FaultCode: "x:Server", FaultString: "internal error"}},
		{"soap prefix bound elsewhere", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode xmlns:soap="urn:other">soap:Server</faultcode>` +
			`</S:Fault></S:Body></S:Envelope>`, Fault{Code: NoCode, FaultCode: "{urn:other}Server"}},
		{"foreign detail and faultactor skipped", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Client</faultcode>` +
			`<faultactor>x</faultactor><detail><applicationFault xmlns="urn:other"><ErrorCode>1</ErrorCode></applicationFault></detail>` +
			`</S:Fault></S:Body></S:Envelope>`, Fault{Code: NoCode, FaultCode: "soap:Client"}},
		{"legacy Common namespace", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><detail>` +
			`<applicationFault xmlns="http://minameddelanden.gov.se/schema/Common"><ErrorCode> 5002 </ErrorCode><Description>nej</Description>` +
			`<CallId>` + callID + `</CallId></applicationFault></detail></S:Fault></S:Body></S:Envelope>`,
			Fault{Code: 5002, Description: "nej", CallID: callID, FaultCode: "soap:Server"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ReadResponse([]byte(tt.doc))
			assert.Nil(t, p)
			f, ok := errors.AsType[*Fault](err)
			require.True(t, ok, "want *Fault, got %v", err)
			assert.Equal(t, tt.want, *f)
		})
	}
}

// An ExceptionInformation the SDK cannot read leaves a fault without a
// code (NoCode), saying why; only XML that is not well-formed is
// malformed.
func TestReadFaultUnreadableDetail(t *testing.T) {
	t.Parallel()
	wrap := func(inner string) string {
		return `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>fel</faultstring><detail>` +
			`<applicationFault xmlns="` + NSCommonV3 + `">` + inner + `</applicationFault></detail></S:Fault></S:Body></S:Envelope>`
	}
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"code not a number", wrap(`<ErrorCode>five</ErrorCode>`), `ErrorCode "five" is not an integer`},
		{"negative code", wrap(`<ErrorCode>-3</ErrorCode>`), `ErrorCode "-3" is outside 0–9999`},
		{"code beyond 9999", wrap(`<ErrorCode>12000</ErrorCode>`), `ErrorCode "12000" is outside 0–9999`},
		{"no code", wrap(`<Description>x</Description>`), "no ErrorCode"},
		{"empty ExceptionInformation", wrap(``), "no ErrorCode"},
		{"element in code", wrap(`<ErrorCode><x>5001</x></ErrorCode>`), "ErrorCode holds elements"},
		{"two codes", wrap(`<ErrorCode>5001</ErrorCode><ErrorCode>1</ErrorCode>`), "ErrorCode given 2 times"},
		{"a personal number as code", wrap(`<ErrorCode>195303231855</ErrorCode>`), `ErrorCode "19530323****" is outside 0–9999`},
		{"text between fields", wrap(`junk<ErrorCode>x</ErrorCode>`), `ErrorCode "x" is not an integer`},
		{"two ExceptionInformation", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>fel</faultstring><detail>` +
			`<applicationFault xmlns="` + NSCommonV3 + `"><ErrorCode>5001</ErrorCode></applicationFault>` +
			`<applicationFault xmlns="` + NSCommonV3 + `"><ErrorCode>1</ErrorCode></applicationFault></detail></S:Fault></S:Body></S:Envelope>`,
			"more than one ExceptionInformation in detail"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadResponse([]byte(tt.doc))
			f, ok := errors.AsType[*Fault](err)
			require.True(t, ok, "want *Fault, got %v", err)
			assert.Equal(t, NoCode, f.Code)
			assert.Equal(t, tt.want, f.UnreadableDetail)
			assert.Equal(t, "soap:Server", f.FaultCode)
			assert.Equal(t, "fel", f.FaultString)
			assert.Contains(t, f.Error(), "(unreadable detail: "+tt.want+")")
			assert.NotContains(t, f.Error(), "195303231855")
			assert.Equal(t, "soap fault soap:Server with an unreadable detail", logString(f))
			assert.True(t, f.Retryable(), "soap:Server without a readable code is retried")
		})
	}
}

func TestReadFaultMalformed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"trailing garbage after fault", string(AppendFault(nil, 5001, "x", callID)) + "junk", "text after Envelope"},
		{"truncated fault", string(AppendFault(nil, 5001, "x", callID))[:150], "unexpected EOF"},
		{"truncated in ErrorCode", `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><detail><applicationFault xmlns="` + NSCommonV3 + `"><ErrorCode>50`, "unexpected EOF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadResponse([]byte(tt.doc))
			require.ErrorIs(t, err, ErrMalformed)
			assert.ErrorContains(t, err, tt.want)
			_, isFault := errors.AsType[*Fault](err)
			assert.False(t, isFault)
		})
	}
}

func TestFaultError(t *testing.T) {
	t.Parallel()
	f := &Fault{Code: 5001, Description: "Felaktigt indata", CallID: callID, FaultCode: "soap:Server", HTTPStatus: 500}
	assert.Equal(t, "soap fault 5001: Felaktigt indata (call id "+callID+") (http 500)", f.Error())
	assert.Equal(t, "soap fault 5001 (call id "+callID+")", logString(f))
	bare := &Fault{Code: NoCode, FaultCode: "soap:Server", FaultString: "boom"}
	assert.Equal(t, "soap fault soap:Server: boom", bare.Error())
	assert.Equal(t, "soap fault soap:Server without detail", logString(bare))
}

func TestAppendFault(t *testing.T) {
	t.Parallel()
	got := AppendFault([]byte("x"), 5001, "Ämne saknas <&>", callID)
	want := `x<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>` +
		`<faultcode>soap:Server</faultcode><faultstring>Ämne saknas &lt;&amp;&gt;</faultstring><detail>` +
		`<applicationFault xmlns="http://minameddelanden.gov.se/schema/Common/v3"><ErrorCode>5001</ErrorCode>` +
		`<Description>Ämne saknas &lt;&amp;&gt;</Description><CallId>` + callID + `</CallId></applicationFault>` +
		`</detail></soap:Fault></soap:Body></soap:Envelope>`
	assert.Equal(t, want, string(got))

	t.Run("characters xml cannot carry", func(t *testing.T) {
		t.Parallel()
		_, err := ReadResponse(AppendFault(nil, 5001, "a\x00b\xffc\r\n", callID))
		f, ok := errors.AsType[*Fault](err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "a\uFFFDb\uFFFDc\\r\\n", f.Description, "then cleaned by safetext")
	})
	t.Run("call id generated when empty", func(t *testing.T) {
		t.Parallel()
		_, err := ReadResponse(AppendFault(nil, 1, "", ""))
		f, ok := errors.AsType[*Fault](err)
		require.True(t, ok, "%v", err)
		assert.Len(t, f.CallID, 26)
	})
}

// TestAppendFaultValidates checks the detail against the official
// schema/v3/Common.xsd with xmllint.
func TestAppendFaultValidates(t *testing.T) {
	t.Parallel()
	for _, code := range []int{1, CodeInvalidInput, CodeSignerNotParty, 9998} {
		env := AppendFault(nil, code, "Beskrivning & <detaljer>", NewCallID())
		start := bytes.Index(env, []byte("<applicationFault"))
		end := bytes.Index(env, []byte("</applicationFault>"))
		require.True(t, start > 0 && end > start)
		conformance.ValidateXSD(t, conformance.CommonV3XSD, env[start:end+len("</applicationFault>")])
	}
	// The check can fail: code 0 (listed in §5.2) is outside the XSD's
	// range, and a short call id too.
	for _, bad := range [][]byte{AppendFault(nil, 0, "x", NewCallID()), AppendFault(nil, 5001, "x", "short")} {
		start := bytes.Index(bad, []byte("<applicationFault"))
		end := bytes.Index(bad, []byte("</applicationFault>"))
		assert.Error(t, conformance.CheckXSD(t, conformance.CommonV3XSD, bad[start:end+len("</applicationFault>")]))
	}
}

// The Authority service's faults carry the operation's own fault element
// in the service's namespace, an ExceptionInformation of the unversioned
// Common schema: written so, it validates against the Authority wrappers'
// schema, and reads back with its code.
func TestAuthorityFaultDetail(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"getSenders", "getDispatchers"} {
		env := AppendFaultDetail(nil, AuthorityFault(op), CodeNotAuthorised, "Ej behörig", callID)
		open := []byte("<" + op + "Fault")
		closing := []byte("</" + op + "Fault>")
		start, end := bytes.Index(env, open), bytes.Index(env, closing)
		require.True(t, start > 0 && end > start, "%s", env)
		conformance.ValidateXSD(t, conformance.AuthorityXSD(t), env[start:end+len(closing)])
		_, err := ReadResponse(env)
		f, ok := errors.AsType[*Fault](err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, Fault{Code: CodeNotAuthorised, Description: "Ej behörig", CallID: callID, FaultCode: "soap:Server", FaultString: "Ej behörig"}, *f)
	}
	// As a JAX-WS stack writes it, prefixed.
	doc := `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>x</faultstring><detail>` +
		`<ns2:getDispatchersFault xmlns:ns2="http://minameddelanden.gov.se/Authority" xmlns:ns3="http://minameddelanden.gov.se/schema/Common">` +
		`<ns3:ErrorCode>5000</ns3:ErrorCode><ns3:Description>x</ns3:Description><ns3:CallId>` + callID + `</ns3:CallId>` +
		`</ns2:getDispatchersFault></detail></S:Fault></S:Body></S:Envelope>`
	_, err := ReadResponse([]byte(doc))
	f, ok := errors.AsType[*Fault](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, CodeGeneralApplication, f.Code)
	// The check can fail: the old schema's codes start at 2.
	bad := AppendFaultDetail(nil, AuthorityFault("getSenders"), 1, "x", callID)
	start, end := bytes.Index(bad, []byte("<getSendersFault")), bytes.Index(bad, []byte("</getSendersFault>"))
	assert.Error(t, conformance.CheckXSD(t, conformance.AuthorityXSD(t), bad[start:end+len("</getSendersFault>")]))
	// A fault element of another namespace is no ExceptionInformation.
	foreign := strings.Replace(doc, "http://minameddelanden.gov.se/Authority", "urn:other", 1)
	_, err = ReadResponse([]byte(foreign))
	f, ok = errors.AsType[*Fault](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, NoCode, f.Code)
	assert.Empty(t, f.UnreadableDetail)
}

func TestNewCallID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id := NewCallID()
		assert.GreaterOrEqual(t, len(id), 20)
		assert.LessOrEqual(t, len(id), 50)
		assert.False(t, seen[id], "call ids repeat")
		seen[id] = true
	}
}

func TestWriteFault(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	WriteFault(rec, CodeSignatureInvalid, "Signatur felaktig", callID)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Equal(t, ContentType, rec.Header().Get("Content-Type"))
	_, err := ReadResponse(rec.Body.Bytes())
	f, ok := errors.AsType[*Fault](err)
	require.True(t, ok)
	assert.Equal(t, CodeSignatureInvalid, f.Code)
	assert.Equal(t, callID, f.CallID)
}
