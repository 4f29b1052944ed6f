package far_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

// Test identities: test personal numbers, no real people, and the test
// organisations the rest of the module uses.
const (
	alice = message.RecipientID("195303231855")
	bob   = message.RecipientID("198101052382")
	carl  = message.RecipientID("199001012385")
	dora  = message.RecipientID("200001012384")

	sender      = fakeinfra.DefaultSenderOrg        // 162021004748, Kommun A
	otherSender = message.OrgNumber("165590030002") // Kommun B
	broker      = message.OrgNumber("165566778899") // Förmedlare AB
)

// quick is a retry policy that keeps tests fast.
func quick(cfg *far.Config) {
	cfg.RetryWaitMin = time.Millisecond
	cfg.RetryWaitMax = 5 * time.Millisecond
}

// newFake starts a fake infrastructure and a client connected to it
// through the client's normal configuration.
func newFake(t *testing.T, tweak ...func(*far.Config)) (*fakeinfra.Infra, *far.Client) {
	t.Helper()
	infra := fakeinfra.Start(t)
	return infra, connect(t, infra, infra.HTTPClient(), tweak...)
}

// connect makes a client of infra's FaR that sends with hc.
func connect(t *testing.T, infra *fakeinfra.Infra, hc *http.Client, tweak ...func(*far.Config)) *far.Client {
	t.Helper()
	cfg := far.Config{Endpoints: infra.FaR(), HTTPClient: hc}
	quick(&cfg)
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := far.New(cfg)
	require.NoError(t, err)
	return c
}

// add registers recipients in the fake, failing the test on error.
func add(t *testing.T, infra *fakeinfra.Infra, id message.RecipientID, opts ...fakeinfra.RecipientOption) {
	t.Helper()
	require.NoError(t, infra.AddRecipient(string(id), opts...))
}

// syntheticIDs returns n distinct valid personal identity numbers dated in
// the 2090s: no one alive holds them, so batches of thousands need no real
// person's number.
func syntheticIDs(n int) []message.RecipientID {
	out := make([]message.RecipientID, 0, n)
	day := time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(out) < n {
		for serial := 0; serial < 1000 && len(out) < n; serial++ {
			stem := fmt.Sprintf("%s%03d", day.Format("20060102"), serial)
			for check := '0'; check <= '9'; check++ { // the one that passes the Luhn check
				if id := message.RecipientID(stem + string(check)); id.Valid() {
					out = append(out, id)
					break
				}
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return out
}

// crafted is a loopback FaR that answers every call with whatever handle
// writes, over mutual TLS like the real one, for answers the fake never
// gives. It returns a client of it and the number of calls so far.
type crafted struct {
	*far.Client
	srv   *httptest.Server
	calls func() int
}

func craftedFaR(t *testing.T, handle http.HandlerFunc, tweak ...func(*far.Config)) crafted {
	t.Helper()
	ca, err := testpki.NewCA("crafted FaR CA")
	require.NoError(t, err)
	srvCert, err := ca.Server("127.0.0.1")
	require.NoError(t, err)
	org, err := ca.Org(string(sender), "Kommun A")
	require.NoError(t, err)
	var calls atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		// Read whole before answering, and handed on for handlers that
		// look at the request.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		handle(w, r)
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{srvCert.TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // clients hang up on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: org.TLS(), Roots: ca.Pool()})
	require.NoError(t, err)
	cfg := far.Config{
		Endpoints:  far.Endpoints{Recipient: srv.URL + "/Recipient/v3", Authority: srv.URL + "/Authority"},
		HTTPClient: hc,
	}
	quick(&cfg)
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := far.New(cfg)
	require.NoError(t, err)
	return crafted{Client: c, srv: srv, calls: func() int { return int(calls.Load()) }}
}

// answer writes body as a SOAP answer (HTTP 200, text/xml).
func answer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", soap.ContentType)
		_, _ = io.WriteString(w, body)
	}
}

// envelope wraps payload in a SOAP 1.1 envelope, prefixed as FaR's JAX-WS
// stack writes it.
func envelope(payload string) string {
	return `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` + payload + `</S:Body></S:Envelope>`
}

// reachResponse is an isReachableResponse holding the given returns.
func reachResponse(returns ...string) string {
	return envelope(`<ns1:isReachableResponse xmlns:ns1="` + message.NSRecipientV3 + `" xmlns:ns15="` + message.NSRecipient + `">` +
		strings.Join(returns, "") + `</ns1:isReachableResponse>`)
}

// registeredResponse is an isRegisteredResponse holding the given returns.
func registeredResponse(returns ...string) string {
	return envelope(`<ns1:isRegisteredResponse xmlns:ns1="` + message.NSRecipientV3 + `" xmlns:ns15="` + message.NSRecipient + `">` +
		strings.Join(returns, "") + `</ns1:isRegisteredResponse>`)
}

// kivra is a ServiceSupplier element at address.
func kivra(address string) string {
	return `<ns15:ServiceSupplier><ns15:Id>165568402266</ns15:Id><ns15:Name>Kivra</ns15:Name>` +
		`<ns15:ServiceAdress>` + address + `</ns15:ServiceAdress><ns15:UIAdress>https://www.kivra.com</ns15:UIAdress>` +
		`<ns15:InternalServiceAdress/></ns15:ServiceSupplier>`
}

// account is the content of an AccountStatus.
func account(id message.RecipientID, typ, pending, extra string) string {
	return `<ns15:RecipientId>` + string(id) + `</ns15:RecipientId><ns15:Type>` + typ + `</ns15:Type>` +
		`<ns15:Pending>` + pending + `</ns15:Pending>` + extra
}

// reachReturn is one return of isReachableResponse.
func reachReturn(accountStatus, accepted string) string {
	return `<ns1:return><ns15:AccountStatus>` + accountStatus + `</ns15:AccountStatus>` +
		`<ns15:SenderAccepted>` + accepted + `</ns15:SenderAccepted></ns1:return>`
}

// digitalAt is a return for a recipient with a secure mailbox at Kivra's
// address.
func digitalAt(id message.RecipientID, address string) string {
	return reachReturn(account(id, "Secure", "false", kivra(address)), "true")
}

// mtlsClient is an HTTP client that presents leaf and trusts infra's CA,
// made as an application makes one.
func mtlsClient(t *testing.T, id fakeinfra.Identity, infra *fakeinfra.Infra) *http.Client {
	t.Helper()
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: id.Signer.TLSCertificate(), Roots: infra.Roots()})
	require.NoError(t, err)
	return hc
}

// faultCode is the code of the SOAP fault err carries, failing the test
// when it carries none.
func faultCode(t *testing.T, err error) int {
	t.Helper()
	f, ok := errors.AsType[*soap.Fault](err)
	require.True(t, ok, "want a *soap.Fault in %v", err)
	return f.Code
}
