package soap

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
		{"jax-ws with prefixes", jaxws, Fault{Code: 5003, Description: "Mottagaren 195303231855 saknas",
			CallID: "0a1b2c3d-4e5f-6789-abcd-ef0123456789", FaultCode: "soap:Server", FaultString: "Mottagaren 195303231855 saknas"}},
		{"as AppendFault writes it", string(AppendFault(nil, 1000, "a < b & c", callID)),
			Fault{Code: 1000, Description: "a < b & c", CallID: callID, FaultCode: "soap:Server", FaultString: "a < b & c"}},
		{"without detail", bareFault("S:Server"), Fault{Code: NoCode, FaultCode: "soap:Server", FaultString: "internal error"}},
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

func TestReadFaultMalformed(t *testing.T) {
	t.Parallel()
	wrap := func(inner string) string {
		return `<S:Envelope xmlns:S="` + NSEnvelope + `"><S:Body><S:Fault><faultcode>S:Server</faultcode><detail>` +
			`<applicationFault xmlns="` + NSCommonV3 + `">` + inner + `</applicationFault></detail></S:Fault></S:Body></S:Envelope>`
	}
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"code not a number", wrap(`<ErrorCode>five</ErrorCode>`), `ErrorCode "five" is not a non-negative integer`},
		{"negative code", wrap(`<ErrorCode>-3</ErrorCode>`), `ErrorCode "-3"`},
		{"no code", wrap(`<Description>x</Description>`), "applicationFault has no ErrorCode"},
		{"element in code", wrap(`<ErrorCode><x/></ErrorCode>`), "element x in ErrorCode where only text belongs"},
		{"trailing garbage after fault", string(AppendFault(nil, 5001, "x", callID)) + "junk", "text after Envelope"},
		{"truncated fault", string(AppendFault(nil, 5001, "x", callID))[:150], "unexpected EOF"},
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

func TestFaultRetryable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		f    Fault
		want bool
	}{
		{"general technical 0", Fault{Code: CodeGeneralTechnical}, true},
		{"technical 1000", Fault{Code: 1000}, true},
		{"last technical 4999", Fault{Code: 4999}, true},
		{"general application 5000", Fault{Code: CodeGeneralApplication}, false},
		{"invalid input 5001", Fault{Code: CodeInvalidInput, HTTPStatus: 500, FaultCode: "soap:Server"}, false},
		{"signature invalid 5006", Fault{Code: CodeSignatureInvalid}, false},
		{"signer not party 6010", Fault{Code: CodeSignerNotParty}, false},
		{"last application 9999", Fault{Code: 9999}, false},
		{"outside the contract", Fault{Code: 12000}, false},
		{"no detail, soap:Server, 500", Fault{Code: NoCode, FaultCode: "soap:Server", HTTPStatus: 500}, true},
		{"no detail, soap:Server.Busy, 503", Fault{Code: NoCode, FaultCode: "soap:Server.Busy", HTTPStatus: 503}, true},
		{"no detail, soap:Server, status unknown", Fault{Code: NoCode, FaultCode: "soap:Server"}, false},
		{"no detail, soap:Server, 200", Fault{Code: NoCode, FaultCode: "soap:Server", HTTPStatus: 200}, false},
		{"no detail, soap:Client, 500", Fault{Code: NoCode, FaultCode: "soap:Client", HTTPStatus: 500}, false},
		{"no detail, soap:ServerX, 500", Fault{Code: NoCode, FaultCode: "soap:ServerX", HTTPStatus: 500}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.f.Retryable())
		})
	}
}

func TestFaultError(t *testing.T) {
	t.Parallel()
	f := &Fault{Code: 5001, Description: "Felaktigt indata", CallID: callID, FaultCode: "soap:Server", HTTPStatus: 500}
	assert.Equal(t, "soap fault 5001: Felaktigt indata (call id "+callID+") (http 500)", f.Error())
	assert.Equal(t, "soap fault 5001 (call id "+callID+")", f.logString())
	bare := &Fault{Code: NoCode, FaultCode: "soap:Server", FaultString: "boom"}
	assert.Equal(t, "soap fault soap:Server: boom", bare.Error())
	assert.Equal(t, "soap fault soap:Server without detail", bare.logString())
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
		assert.Equal(t, "a\uFFFDb\uFFFDc\r\n", f.Description)
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
