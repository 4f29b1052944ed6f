package fakeinfra_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake's isSenderAccepted reads arg0 as the service binds it —
// unqualified, exactly one, an organisation number — and answers from the
// register.
func TestFakeIsSenderAccepted(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	_, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	require.NoError(t, infra.SetSenderAccepted("165590030002", false))
	call := func(args string) (int, []byte) {
		return soapCall(t, infra.HTTPClient(), infra.FaR().Authority, `<isSenderAccepted xmlns="`+message.NSAuthorityService+`">`+args+`</isSenderAccepted>`)
	}
	for _, tt := range []struct {
		name, args string
		want       string // the return's text, or a fault description's start
	}{
		{"the default sender", `<arg0 xmlns="">162021004748</arg0>`, "true"},
		{"a sender set not accepted", `<arg0 xmlns="">165590030002</arg0>`, "false"},
		{"not registered", `<arg0 xmlns="">165566778899</arg0>`, "false"},
		{"qualified arg0", `<arg0>162021004748</arg0>`, "isSenderAccepted: want exactly one unqualified arg0"},
		{"two arg0", `<arg0 xmlns="">162021004748</arg0><arg0 xmlns="">162021004748</arg0>`, "isSenderAccepted: want exactly one unqualified arg0"},
		{"no arg0", ``, "isSenderAccepted: want exactly one unqualified arg0"},
		{"not an organisation number", `<arg0 xmlns="">195303231855</arg0>`, "isSenderAccepted: arg0 is not an organisation number in wire form"},
		{"not in wire form", `<arg0 xmlns="">202100-4748</arg0>`, "isSenderAccepted: arg0 is not an organisation number in wire form"},
	} {
		status, env := call(tt.args)
		if tt.want == "true" || tt.want == "false" {
			require.Equal(t, http.StatusOK, status, "%s: %s", tt.name, env)
			assert.Equal(t, `<isSenderAcceptedResponse xmlns="`+message.NSAuthorityService+`"><return xmlns="">`+tt.want+`</return></isSenderAcceptedResponse>`,
				string(payloadOf(t, env)), tt.name)
			continue
		}
		require.Equal(t, http.StatusInternalServerError, status, tt.name)
		_, err := soap.ReadResponse(env)
		f, ok := errors.AsType[*soap.Fault](err)
		require.True(t, ok, "%s: %v", tt.name, err)
		assert.Equal(t, soap.CodeInvalidInput, f.Code, tt.name)
		assert.Equal(t, tt.want, f.Description, tt.name)
		assert.NotContains(t, string(env), "applicationFault>195303231855")
	}
	// The old guess at the wrappers' namespace is no operation.
	status, env := soapCall(t, infra.HTTPClient(), infra.FaR().Authority, `<getSenders xmlns="`+message.NSAuthority+`"></getSenders>`)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, string(env), "no operation {"+message.NSAuthority+"}getSenders")

	// Only registered senders can be set, and only valid numbers given
	// (a fake made by New returns the error instead of failing the test).
	plain, err := fakeinfra.New()
	require.NoError(t, err)
	defer plain.Close()
	assert.ErrorContains(t, plain.SetSenderAccepted("165566778899", true), "sender 165566778899 is not registered")
	assert.ErrorContains(t, plain.SetSenderAccepted("nonsense", true), "SetSenderAccepted")
}

// CodelessFault and RawAnswer answer exactly as they say.
func TestFaultShapesWithoutCode(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	raw := []byte(`<soap:Envelope xmlns:soap="` + soap.NSEnvelope + `"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode>` +
		`<faultstring>x</faultstring><detail><applicationFault xmlns="` + soap.NSCommonV3 + `"><ErrorCode>fem</ErrorCode></applicationFault></detail>` +
		`</soap:Fault></soap:Body></soap:Envelope>`)
	for _, tt := range []struct {
		fault      fakeinfra.Fault
		faultcode  string
		unreadable string
	}{
		{fakeinfra.CodelessFault(fakeinfra.EndpointAuthority, "soap:Server"), "soap:Server", ""},
		{fakeinfra.CodelessFault(fakeinfra.EndpointAuthority, "soap:Client"), "soap:Client", ""},
		{fakeinfra.RawAnswer(fakeinfra.EndpointAuthority, http.StatusInternalServerError, raw), "soap:Client", `ErrorCode "fem" is not an integer`},
	} {
		infra.Inject(tt.fault, fakeinfra.Times(1))
		status, env := soapCall(t, infra.HTTPClient(), infra.FaR().Authority, `<getSenders xmlns="`+message.NSAuthorityService+`"></getSenders>`)
		require.Equal(t, http.StatusInternalServerError, status)
		_, err := soap.ReadResponse(env)
		f, ok := errors.AsType[*soap.Fault](err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, soap.NoCode, f.Code)
		assert.Equal(t, tt.faultcode, f.FaultCode)
		assert.Equal(t, tt.unreadable, f.UnreadableDetail)
	}
}
