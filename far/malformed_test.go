package far_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Answers that do not have the contracts' shape fail the lookup with an
// error that says what was wrong, after one attempt (a retry would get the
// same answer), and never panic.
func TestMalformedIsReachableAnswers(t *testing.T) {
	t.Parallel()
	ok := account(alice, "Secure", "false", kivra("https://kivra.example/service/v3"))
	tests := []struct {
		name string
		body string
		want string // in the error
	}{
		{"not xml", "this is not xml", "malformed soap envelope"},
		{"empty body", "", "empty document"},
		{"html from a proxy, sent as text/xml", "<html><body><h1>Bad Gateway</h1></body></html>", "is not a SOAP envelope"},
		{"soap 1.2", `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>`, "is not SOAP 1.1"},
		{"truncated", reachResponse(digitalAt(alice, "https://k.example"))[:200], "unexpected EOF"},
		{"wrong namespace", envelope(`<isReachableResponse xmlns="http://minameddelanden.gov.se/schema/Recipient/v2"><return/></isReachableResponse>`), "want isReachableResponse"},
		{"wrong operation", registeredResponse(`<ns1:return>` + account(alice, "Secure", "false", "") + `</ns1:return>`), "want isReachableResponse"},
		{"return in another namespace", envelope(`<isReachableResponse xmlns="` + message.NSRecipientV3 + `"><return xmlns="urn:other"/></isReachableResponse>`), "return in urn:other, want " + message.NSRecipientV3},
		{"no AccountStatus", reachResponse(`<ns1:return><ns15:SenderAccepted>true</ns15:SenderAccepted></ns1:return>`), "return 1: no AccountStatus"},
		{"no RecipientId", reachResponse(reachReturn(`<ns15:Type>Secure</ns15:Type><ns15:Pending>false</ns15:Pending>`, "true")), "has no RecipientId"},
		{"no Type", reachResponse(reachReturn(`<ns15:RecipientId>`+string(alice)+`</ns15:RecipientId><ns15:Pending>false</ns15:Pending>`, "true")), "has no Type"},
		{"no Pending", reachResponse(reachReturn(`<ns15:RecipientId>`+string(alice)+`</ns15:RecipientId><ns15:Type>Secure</ns15:Type>`, "true")), "AccountStatus for 19530323**** has no Pending"},
		{"no SenderAccepted", reachResponse(`<ns1:return><ns15:AccountStatus>` + ok + `</ns15:AccountStatus></ns1:return>`), "return 1: no SenderAccepted"},
		{"RecipientId twice", reachResponse(reachReturn(`<ns15:RecipientId>`+string(bob)+`</ns15:RecipientId>`+ok, "true"), digitalAt(bob, "https://k.example")), "RecipientId given twice"},
		{"ServiceAdress twice", reachResponse(digitalAt(bob, "https://k.example"), reachReturn(account(alice, "Secure", "false",
			`<ns15:ServiceSupplier><ns15:Id>165568402266</ns15:Id><ns15:Name>Kivra</ns15:Name><ns15:ServiceAdress>https://k.example</ns15:ServiceAdress>`+
				`<ns15:ServiceAdress>https://evil.example</ns15:ServiceAdress></ns15:ServiceSupplier>`), "true")), "ServiceAdress given twice"},
		{"AccountStatus twice", reachResponse(digitalAt(bob, "https://k.example"), `<ns1:return><ns15:AccountStatus>`+ok+`</ns15:AccountStatus><ns15:AccountStatus>`+ok+
			`</ns15:AccountStatus><ns15:SenderAccepted>true</ns15:SenderAccepted></ns1:return>`), "AccountStatus given twice"},
		{"element inside a value", reachResponse(digitalAt(bob, "https://k.example"), reachReturn(account(alice, "<b>Secure</b>", "false", ""), "true")), "Type"},
		{"unknown account type", reachResponse(reachReturn(account(alice, "Premium", "false", ""), "true")), `account type "Premium"`},
		{"Pending not a boolean", reachResponse(reachReturn(account(alice, "Secure", "maybe", ""), "true")), `Pending "maybe" is not a boolean`},
		{"SenderAccepted not a boolean", reachResponse(reachReturn(ok, "yes")), `SenderAccepted "yes" is not a boolean`},
		{"RecipientId not an identity", reachResponse(reachReturn(account("195303231856", "Secure", "false", ""), "true")), "RecipientId 19530323**** is not a valid identity"},
		{"RecipientId not digits", reachResponse(reachReturn(account("<b>x</b>", "Secure", "false", ""), "true")), "RecipientId"},
		{"operator Id not an organisation", reachResponse(reachReturn(account(alice, "Secure", "false",
			`<ns15:ServiceSupplier><ns15:Id>Kivra</ns15:Id><ns15:Name>Kivra</ns15:Name><ns15:ServiceAdress>https://k.example</ns15:ServiceAdress></ns15:ServiceSupplier>`), "true")),
			`ServiceSupplier Id "Kivra" is not an organisation number`},
		{"LastRegistration not a date", reachResponse(reachReturn(account(alice, "Secure", "false", `<ns15:LastRegistration>yesterday</ns15:LastRegistration>`), "true")),
			`LastRegistration "yesterday" is not an xs:dateTime`},
		{"LastSenderAcceptChange not a date", reachResponse(`<ns1:return><ns15:AccountStatus>` + ok + `</ns15:AccountStatus><ns15:SenderAccepted>true</ns15:SenderAccepted>` +
			`<ns15:LastSenderAcceptChange>2026-13-01T00:00:00Z</ns15:LastSenderAcceptChange></ns1:return>`), `LastSenderAcceptChange "2026-13-01T00:00:00Z"`},
		{"answer for someone not asked", reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example"), digitalAt(carl, "https://k.example")),
			"answer for 19900101****, who was not asked about"},
		{"a missing answer", reachResponse(digitalAt(alice, "https://k.example")), "no answer for 19810105****"},
		{"the same answer twice", reachResponse(digitalAt(alice, "https://k.example"), digitalAt(alice, "https://k.example")), "answered twice"},
		{"no answers at all", reachResponse(), "no answer for"},
		{"text among the returns", reachResponse("hello" + digitalAt(alice, "https://k.example") + digitalAt(bob, "https://k.example")), "text"},
		{"second payload", strings.Replace(reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example")), "</S:Body>", "<x/></S:Body>", 1), "unexpected element x in Body"},
		{"dtd", `<!DOCTYPE x [<!ENTITY a "b">]>` + reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example")), "DTDs"},
		{"undeclared prefix", reachResponse(digitalAt(alice, "https://k.example"), `<ns1:return><foo:Extra/></ns1:return>`), "undeclared"},
		{"nested too deep", reachResponse(digitalAt(alice, "https://k.example"), `<ns1:return>`+strings.Repeat("<x>", 40)+strings.Repeat("</x>", 40)+`</ns1:return>`), "xml syntax error"},
		{"content after the envelope", reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example")) + "<more/>", "after Envelope: xml syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := craftedFaR(t, answer(tt.body))
			got, err := srv.IsReachable(context.Background(), sender, alice, bob)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, far.ErrMalformedAnswer)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "far: isReachable")
			assertNoWholeID(t, err.Error())
			assert.Equal(t, 1, srv.calls(), "a malformed answer is not retried")
		})
	}
}

// isRegistered and the Authority answers are checked alike.
func TestMalformedOtherAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		call func(context.Context, *far.Client) error
		want string
	}{
		{"isRegistered: no Type", registeredResponse(`<ns1:return><ns15:RecipientId>` + string(alice) + `</ns15:RecipientId><ns15:Pending>false</ns15:Pending></ns1:return>`),
			isRegistered, "has no Type"},
		{"isRegistered: someone not asked", registeredResponse(`<ns1:return>` + account(bob, "Not", "false", "") + `</ns1:return>`), isRegistered, "answer for 19810105****"},
		{"isRegistered: isReachable's answer", reachResponse(digitalAt(alice, "https://k.example")), isRegistered, "want isRegisteredResponse"},
		{"getSenders: bad Id", envelope(`<a:getSendersResponse xmlns:a="` + message.NSAuthorityService + `"><return><Id xmlns="` + message.NSSender + `">1234</Id><Name xmlns="` + message.NSSender + `">X</Name></return></a:getSendersResponse>`),
			senders, `sender 1: Id "1234" is not an organisation number`},
		{"getSenders: wrong element", envelope(`<getDispatchersResponse xmlns="` + message.NSAuthorityService + `"/>`), senders, "want getSendersResponse"},
		// The SDK's and fakeinfra's old guess, refused with both namespaces
		// named: the schema namespace is not the service's.
		{"getSenders: schema namespace", envelope(`<getSendersResponse xmlns="` + message.NSAuthority + `"/>`), senders,
			"want getSendersResponse in " + message.NSAuthorityService + ", got getSendersResponse in " + message.NSAuthority},
		{"getSenders: qualified return", envelope(`<getSendersResponse xmlns="` + message.NSAuthorityService + `"><return><Id xmlns="` + message.NSSender + `">162021004748</Id></return></getSendersResponse>`),
			senders, "return in " + message.NSAuthorityService + ", want no namespace"},
		{"getDispatchers: bad sender", envelope(`<a:getDispatchersResponse xmlns:a="` + message.NSAuthorityService + `"><return><Id xmlns="` + message.NSDispatcher + `">165566778899</Id>` +
			`<Name xmlns="` + message.NSDispatcher + `">F</Name><Senders xmlns="` + message.NSDispatcher + `">nobody</Senders></return></a:getDispatchersResponse>`),
			dispatchers, `dispatcher 1: sender "nobody" is not an organisation number`},
		{"isSenderAccepted: no return", envelope(`<a:isSenderAcceptedResponse xmlns:a="` + message.NSAuthorityService + `"/>`), senderAccepted, "isSenderAcceptedResponse has no return"},
		{"isSenderAccepted: two returns", envelope(`<a:isSenderAcceptedResponse xmlns:a="` + message.NSAuthorityService + `"><return>true</return><return>false</return></a:isSenderAcceptedResponse>`),
			senderAccepted, "more than one return"},
		{"isSenderAccepted: not a boolean", envelope(`<a:isSenderAcceptedResponse xmlns:a="` + message.NSAuthorityService + `"><return>yes</return></a:isSenderAcceptedResponse>`),
			senderAccepted, `return "yes" is not a boolean`},
		{"isSenderAccepted: qualified return", envelope(`<isSenderAcceptedResponse xmlns="` + message.NSAuthorityService + `"><return>true</return></isSenderAcceptedResponse>`),
			senderAccepted, "return in " + message.NSAuthorityService + ", want no namespace"},
		{"getDispatchers: not xml", "{}", dispatchers, "malformed soap envelope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := craftedFaR(t, answer(tt.body))
			err := tt.call(context.Background(), srv.Client)
			require.Error(t, err)
			assert.ErrorIs(t, err, far.ErrMalformedAnswer)
			assert.Contains(t, err.Error(), tt.want)
			assertNoWholeID(t, err.Error())
			assert.Equal(t, 1, srv.calls())
		})
	}
}

func isRegistered(ctx context.Context, c *far.Client) error {
	_, err := c.IsRegistered(ctx, alice)
	return err
}

func senders(ctx context.Context, c *far.Client) error {
	_, err := c.Senders(ctx)
	return err
}

func senderAccepted(ctx context.Context, c *far.Client) error {
	_, err := c.IsSenderAccepted(ctx, sender)
	return err
}

func dispatchers(ctx context.Context, c *far.Client) error {
	_, err := c.Dispatchers(ctx)
	return err
}

// Answers that are not SOAP at all, or too large, are refused by the
// transport, with its sentinel errors.
func TestAnswersThatAreNotSOAP(t *testing.T) {
	t.Parallel()
	html := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><head><title>502 Proxy Error</title></head><body>Proxy Error: 195303231855</body></html>")
		}
	}
	huge := func(declare bool) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			const size = 50 << 20
			w.Header().Set("Content-Type", soap.ContentType)
			if declare {
				w.Header().Set("Content-Length", strconv.Itoa(size))
			}
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for n := 0; n < size; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the client hung up, as it should
				}
			}
		}
	}
	tests := []struct {
		name     string
		handle   http.HandlerFunc
		sentinel error
		want     string
		calls    int
	}{
		{"html page, 200", html(http.StatusOK), soap.ErrNotSOAP, `content type "text/html; charset=iso-8859-1"`, 1},
		{"html page, 502, retried", html(http.StatusBadGateway), soap.ErrNotSOAP, "http 502", 4},
		{"html page, 403", html(http.StatusForbidden), soap.ErrNotSOAP, "http 403", 1},
		{"50 MB declared", huge(true), soap.ErrTooLarge, "52428800 bytes declared", 1},
		{"50 MB streamed", huge(false), soap.ErrTooLarge, "more than", 1},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://evil.example/Recipient/v3", http.StatusFound)
		}, soap.ErrRedirect, "evil.example", 1},
		{"xml with another charset", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/xml; charset=iso-8859-1")
			_, _ = io.WriteString(w, reachResponse())
		}, soap.ErrNotSOAP, "charset", 1},
		{"200 with nothing", func(http.ResponseWriter, *http.Request) {}, soap.ErrNotSOAP, "http 200: response is not soap", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := craftedFaR(t, tt.handle)
			got, err := srv.IsReachable(context.Background(), sender, alice)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.want)
			assertNoWholeID(t, err.Error())
			assert.Equal(t, tt.calls, srv.calls())
		})
	}
}

// assertNoWholeID fails when s shows a test personal number whole.
func assertNoWholeID(t *testing.T, s string) {
	t.Helper()
	for _, id := range []message.RecipientID{alice, bob, carl, dora} {
		assert.NotContains(t, s, string(id))
	}
}
