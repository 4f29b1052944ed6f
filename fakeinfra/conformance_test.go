package fakeinfra_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payloadOf cuts the element inside soap:Body out of an envelope the fake
// wrote.
func payloadOf(t *testing.T, env []byte) []byte {
	t.Helper()
	i := bytes.Index(env, []byte("<soap:Body>"))
	j := bytes.LastIndex(env, []byte("</soap:Body>"))
	require.True(t, i >= 0 && j > i, "not an envelope: %s", env)
	return env[i+len("<soap:Body>") : j]
}

func soapCall(t *testing.T, c *http.Client, url, body string) (int, []byte) {
	t.Helper()
	return post(t, c, url, soap.AppendEnvelope(nil, []byte(body)))
}

// Every answer the fake writes validates against the official XSD (the
// Authority answers against contracts/authority/Authority-wrappers.xsd).
func TestAnswersValidateAgainstXSD(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.NoMailbox()))
	require.NoError(t, infra.AddRecipient(carl, fakeinfra.Mailbox("billo"), fakeinfra.Pending(), fakeinfra.Rejects(fakeinfra.DefaultSenderOrg)))
	_, err := infra.AddIntermediary("165566778899", "Förmedlare AB", fakeinfra.DefaultSenderOrg)
	require.NoError(t, err)
	c := infra.HTTPClient()
	eps := infra.FaR()
	ids := `<recipientId>` + alice + `</recipientId><recipientId>` + bob + `</recipientId><recipientId>` + carl + `</recipientId><recipientId>200001012384</recipientId>`

	cases := []struct {
		name, url, body, xsd string
	}{
		{"isReachable", eps.Recipient, `<isReachable xmlns="` + message.NSRecipientV3 + `"><senderOrgNr>162021004748</senderOrgNr>` + ids + `</isReachable>`, conformance.RecipientV3XSD},
		{"isRegistered", eps.Recipient, `<isRegistered xmlns="` + message.NSRecipientV3 + `">` + ids + `</isRegistered>`, conformance.RecipientV3XSD},
		{"getSenders", eps.Authority, `<getSenders xmlns="` + message.NSAuthorityService + `"></getSenders>`, conformance.AuthorityXSD(t)},
		{"getDispatchers", eps.Authority, `<getDispatchers xmlns="` + message.NSAuthorityService + `"></getDispatchers>`, conformance.AuthorityXSD(t)},
		{"isSenderAccepted", eps.Authority, `<isSenderAccepted xmlns="` + message.NSAuthorityService + `"><arg0 xmlns="">162021004748</arg0></isSenderAccepted>`, conformance.AuthorityXSD(t)},
	}
	for _, tc := range cases {
		status, env := soapCall(t, c, tc.url, tc.body)
		require.Equal(t, http.StatusOK, status, "%s: %s", tc.name, env)
		conformance.ValidateXSD(t, tc.xsd, payloadOf(t, env))
	}

	// DeliveryResult, delivered and not.
	for _, to := range []string{alice, carl} {
		status, env := post(t, c, infra.OperatorURL("kivra"), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(to)))
		require.Equal(t, http.StatusOK, status, string(env))
		conformance.ValidateXSD(t, conformance.ServiceXSD, payloadOf(t, env))
	}
	// NotifyResult.
	status, env := post(t, c, infra.OperatorURL("kivra"), notifyRequest(t, class1Message(alice), infra.Sender()))
	require.Equal(t, http.StatusOK, status, string(env))
	conformance.ValidateXSD(t, conformance.ServiceXSD, payloadOf(t, env))
	assert.Contains(t, string(env), "NotifiedByChannel")

	// A fault's detail.
	status, env = soapCall(t, c, eps.Recipient, `<isReachable xmlns="`+message.NSRecipientV3+`"><senderOrgNr>nonsense</senderOrgNr></isReachable>`)
	require.Equal(t, http.StatusInternalServerError, status)
	s := string(env)
	i, j := strings.Index(s, "<applicationFault"), strings.Index(s, "</applicationFault>")
	require.True(t, i >= 0 && j > i, s)
	conformance.ValidateXSD(t, conformance.CommonV3XSD, []byte(s[i:j+len("</applicationFault>")]))

	// The Authority service's faults carry the operation's own element.
	for _, op := range []string{"getSenders", "getDispatchers"} {
		infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointAuthority, soap.CodeNotAuthorised), fakeinfra.Times(1))
		status, env = soapCall(t, c, eps.Authority, `<`+op+` xmlns="`+message.NSAuthorityService+`"></`+op+`>`)
		require.Equal(t, http.StatusInternalServerError, status)
		s = string(env)
		i, j = strings.Index(s, "<"+op+"Fault"), strings.Index(s, "</"+op+"Fault>")
		require.True(t, i >= 0 && j > i, s)
		conformance.ValidateXSD(t, conformance.AuthorityXSD(t), []byte(s[i:j+len("</"+op+"Fault>")]))
	}
}

func class1Message(to string) *message.Message {
	m := testMessage(to)
	m.Class = 1
	m.Attachments = nil
	m.SMS = &message.SMSNotice{From: "Kommun A", Text: "Du har fått ett meddelande."}
	m.Email = &message.EmailNotice{From: "noreply@kommun.example", Subject: "Nytt meddelande", Text: "Du har fått ett meddelande från Kommun A."}
	return m
}

// notifyRequest builds the SOAP request of Service v3 notify.
func notifyRequest(t *testing.T, m *message.Message, sender message.Sender) []byte {
	t.Helper()
	req, err := forward.NotifyRequest(&message.Notification{Sender: sender, Message: m})
	require.NoError(t, err)
	return req
}
