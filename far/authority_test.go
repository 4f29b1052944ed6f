package far_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Answers of the Authority service shaped as its WSDL makes a JAX-WS stack
// write them: wrappers in http://minameddelanden.gov.se/Authority under a
// prefix, return unqualified, the items' fields in their schemas'
// namespaces.
const (
	wsdlSenders = `<ns2:getSendersResponse xmlns:ns2="` + message.NSAuthorityService + `" xmlns:ns3="` + message.NSSender + `">` +
		`<return><ns3:Id>162021004748</ns3:Id><ns3:Name>Kommun A</ns3:Name></return>` +
		`<return><ns3:Id>165590030002</ns3:Id><ns3:Name>Kommun B</ns3:Name><ns3:Attention>Registrator</ns3:Attention></return>` +
		`</ns2:getSendersResponse>`
	wsdlDispatchers = `<ns2:getDispatchersResponse xmlns:ns2="` + message.NSAuthorityService + `" xmlns:ns4="` + message.NSDispatcher + `">` +
		`<return><ns4:Id>165566778899</ns4:Id><ns4:Name>Förmedlare AB</ns4:Name>` +
		`<ns4:Senders>162021004748</ns4:Senders><ns4:Senders>165590030002</ns4:Senders></return>` +
		`<return><ns4:Id>165560269986</ns4:Id><ns4:Name>Ingen</ns4:Name></return>` +
		`</ns2:getDispatchersResponse>`
	wsdlAcceptedTrue  = `<ns2:isSenderAcceptedResponse xmlns:ns2="` + message.NSAuthorityService + `"><return>true</return></ns2:isSenderAcceptedResponse>`
	wsdlAcceptedFalse = `<ns2:isSenderAcceptedResponse xmlns:ns2="` + message.NSAuthorityService + `"><return>false</return></ns2:isSenderAcceptedResponse>`
)

// recorder is a crafted FaR that answers each operation with a fixed
// payload and keeps the payloads of the requests it was sent.
type recorder struct {
	mu       sync.Mutex
	requests [][]byte
}

func (rec *recorder) handler(answers map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		payload := bodyPayload(body)
		rec.mu.Lock()
		rec.requests = append(rec.requests, payload)
		rec.mu.Unlock()
		for op, a := range answers {
			if bytes.HasPrefix(payload, []byte("<"+op+" ")) {
				answer(envelope(a))(w, r)
				return
			}
		}
		http.Error(w, "no answer for "+string(payload), http.StatusNotFound)
	}
}

// bodyPayload cuts the element inside soap:Body out of an envelope the SDK
// wrote.
func bodyPayload(env []byte) []byte {
	i := bytes.Index(env, []byte("<soap:Body>"))
	j := bytes.LastIndex(env, []byte("</soap:Body>"))
	if i < 0 || j < i {
		return env
	}
	return env[i+len("<soap:Body>") : j]
}

// Against answers shaped as the WSDL says — which the schema accepts —
// the client reads every field, and every request it sends validates
// against the same schema.
func TestAuthorityWSDLShaped(t *testing.T) {
	t.Parallel()
	xsd := conformance.AuthorityXSD(t)
	for _, a := range []string{wsdlSenders, wsdlDispatchers, wsdlAcceptedTrue, wsdlAcceptedFalse} {
		conformance.ValidateXSD(t, xsd, []byte(a))
	}
	var rec recorder
	srv := craftedFaR(t, rec.handler(map[string]string{
		"getSenders": wsdlSenders, "getDispatchers": wsdlDispatchers, "isSenderAccepted": wsdlAcceptedTrue,
	}))
	ctx := context.Background()

	senders, err := srv.Senders(ctx)
	require.NoError(t, err)
	assert.Equal(t, []far.RegisteredSender{{ID: sender, Name: "Kommun A"}, {ID: otherSender, Name: "Kommun B"}}, senders)

	disp, err := srv.Dispatchers(ctx)
	require.NoError(t, err)
	assert.Equal(t, []far.Dispatcher{
		{ID: broker, Name: "Förmedlare AB", Senders: []message.OrgNumber{sender, otherSender}},
		{ID: "165560269986", Name: "Ingen"},
	}, disp)

	accepted, err := srv.IsSenderAccepted(ctx, sender)
	require.NoError(t, err)
	assert.True(t, accepted)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.requests, 3)
	for _, req := range rec.requests {
		conformance.ValidateXSD(t, xsd, req)
	}
	assert.Equal(t, `<isSenderAccepted xmlns="`+message.NSAuthorityService+`"><arg0 xmlns="">162021004748</arg0></isSenderAccepted>`, string(rec.requests[2]))

	// The schema is not a formality: the old guess at the wrappers'
	// namespace fails it.
	old := strings.Replace(wsdlSenders, message.NSAuthorityService, message.NSAuthority, 1)
	assert.Error(t, conformance.CheckXSD(t, xsd, []byte(old)))
	qualified := `<getSenders xmlns="` + message.NSAuthorityService + `"><x/></getSenders>`
	assert.Error(t, conformance.CheckXSD(t, xsd, []byte(qualified)))
}

// The request writers' output validates whatever the sender.
func TestAuthorityRequestsValidate(t *testing.T) {
	t.Parallel()
	xsd := conformance.AuthorityXSD(t)
	for _, op := range []string{"getSenders", "getDispatchers"} {
		conformance.ValidateXSD(t, xsd, far.AppendAuthority(nil, op))
	}
	for _, org := range []message.OrgNumber{sender, otherSender, broker} {
		conformance.ValidateXSD(t, xsd, far.AppendIsSenderAccepted(nil, org))
	}
}

// isSenderAccepted against the fake: registered senders are accepted
// unless the fake is told otherwise; others are not.
func TestIsSenderAccepted(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	ctx := context.Background()
	_, err := infra.AddSender(string(otherSender), "Kommun B")
	require.NoError(t, err)

	for _, tt := range []struct {
		org  message.OrgNumber
		want bool
	}{{sender, true}, {otherSender, true}, {broker, false}} {
		got, err := c.IsSenderAccepted(ctx, tt.org)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s", tt.org)
	}
	require.NoError(t, infra.SetSenderAccepted(string(otherSender), false))
	got, err := c.IsSenderAccepted(ctx, otherSender)
	require.NoError(t, err)
	assert.False(t, got)
	require.NoError(t, infra.SetSenderAccepted(string(otherSender), true))
	got, err = c.IsSenderAccepted(ctx, otherSender)
	require.NoError(t, err)
	assert.True(t, got)
	assert.Equal(t, 5, infra.Requests(fakeinfra.EndpointAuthority))

	// A sender that is not an organisation number is refused before any
	// call, and masked: it may be a personal number given by mistake.
	_, err = c.IsSenderAccepted(ctx, message.OrgNumber(alice))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not an organisation number")
	assertNoWholeID(t, err.Error())
	assert.Equal(t, 5, infra.Requests(fakeinfra.EndpointAuthority))
}

// The Authority service's declared faults (getSendersFault…) reach the
// caller with their code, and an application code is not retried.
func TestAuthorityFaults(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"getSenders", "getDispatchers"} {
		fault := soap.AppendFaultDetail(nil, soap.AuthorityFault(op), soap.CodeNotAuthorised, "ej behörig", "")
		srv := craftedFaR(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", soap.ContentType)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write(fault)
		})
		var err error
		if op == "getSenders" {
			_, err = srv.Senders(context.Background())
		} else {
			_, err = srv.Dispatchers(context.Background())
		}
		assert.Equal(t, soap.CodeNotAuthorised, faultCode(t, err), op)
		assert.Contains(t, err.Error(), "far: "+op)
		assert.Equal(t, 1, srv.calls(), op)
	}
}
