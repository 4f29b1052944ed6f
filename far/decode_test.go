package far_test

import (
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real answers in contracts/samples read as they say.
func TestSampleIsReachable(t *testing.T) {
	t.Parallel()
	got := make([]far.Reachability, 1)
	require.NoError(t, far.ReadIsReachable(conformance.Sample(t, "isReachableResponse.xml"), []message.RecipientID{"192301010168"}, got))
	r := got[0]
	assert.Equal(t, message.RecipientID("192301010168"), r.Recipient)
	assert.Equal(t, far.Secure, r.Type)
	assert.False(t, r.Pending)
	assert.True(t, r.SenderAccepted)
	assert.True(t, r.LastSenderAcceptChange.IsZero())
	assert.Equal(t, &message.Operator{
		ID: "165568402266", Name: "Kivra",
		ServiceAddress: "http://localhost:9090/deliversecure", UIAddress: "https://www.kivra.com",
	}, r.Operator)
	want := time.Date(2016, 10, 30, 15, 38, 49, 517e6, time.FixedZone("", 3600))
	assert.True(t, want.Equal(r.LastRegistration), "%s", r.LastRegistration)
	assert.Equal(t, "2016-10-30T15:38:49.517+01:00", r.LastRegistration.Format("2006-01-02T15:04:05.000-07:00"))
	// The sample's operator address is plain http: never used.
	assert.Equal(t, far.Decision{Reason: message.PaperNoUsableAddress}, r.Decide())
}

func TestSampleIsRegistered(t *testing.T) {
	t.Parallel()
	got := make([]far.Account, 1)
	require.NoError(t, far.ReadIsRegistered(conformance.Sample(t, "isRegisteredResponse.xml"), []message.RecipientID{"192301010160"}, got))
	a := got[0]
	assert.Equal(t, message.RecipientID("192301010160"), a.Recipient)
	assert.Equal(t, far.Secure, a.Type)
	assert.False(t, a.Pending)
	assert.Equal(t, &message.Operator{ID: "165568402266", Name: "sandbox-mm.kivra.com", ServiceAddress: "https://sandbox-mm.kivra.com/service/v3"}, a.Operator)
	assert.True(t, time.Date(2021, 12, 16, 13, 37, 35, 708e6, time.UTC).Equal(a.LastRegistration))
	assert.True(t, far.UsableAddress(a.Operator.ServiceAddress))
}

// The sample, asked about through the client, gives the paper decision
// for its http address. Its RecipientId fails the Luhn check, which the
// client does not let a caller ask about: a test number takes its place.
func TestSampleThroughTheClient(t *testing.T) {
	t.Parallel()
	sample := strings.ReplaceAll(string(conformance.Sample(t, "isReachableResponse.xml")), "192301010168", string(alice))
	srv := craftedFaR(t, answer(sample))
	got, err := srv.IsReachable(t.Context(), sender, alice, alice)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, far.Decision{Reason: message.PaperNoUsableAddress}, got[0].Decide())
	assert.Equal(t, got[0], got[1])
	assert.Equal(t, 1, srv.calls())
}

// What the contracts allow, or a later version may add, reads as it
// should: answers out of order, unknown elements, comments, white space,
// default namespaces, entities, CDATA, xs:boolean's 1 and 0, zone forms.
func TestTolerated(t *testing.T) {
	t.Parallel()
	asked := []message.RecipientID{alice, bob}
	tests := []struct {
		name  string
		body  string
		check func(*testing.T, []far.Reachability)
	}{
		{"out of order", reachResponse(digitalAt(bob, "https://b.example"), digitalAt(alice, "https://a.example")), func(t *testing.T, got []far.Reachability) {
			assert.Equal(t, "https://a.example", got[0].Operator.ServiceAddress)
			assert.Equal(t, "https://b.example", got[1].Operator.ServiceAddress)
		}},
		{"unknown elements", reachResponse(`<ns15:Notice>new</ns15:Notice>`,
			`<ns1:return><ns15:AccountStatus>`+account(alice, "Secure", "false", `<ns15:Future><x>1</x></ns15:Future>`+kivra("https://a.example"))+
				`</ns15:AccountStatus><other:Extra xmlns:other="urn:x">y</other:Extra><ns15:SenderAccepted>true</ns15:SenderAccepted></ns1:return>`,
			digitalAt(bob, "https://b.example")), func(t *testing.T, got []far.Reachability) {
			assert.True(t, got[0].Decide().Digital)
			assert.True(t, got[1].Decide().Digital)
		}},
		{"pretty-printed, comments, default namespaces", envelope(`
			<isReachableResponse xmlns="` + message.NSRecipientV3 + `">
			  <!-- answer -->
			  <return>
			    <AccountStatus xmlns="` + message.NSRecipient + `">
			      <RecipientId> ` + string(alice) + ` </RecipientId>
			      <Type>Anonymous</Type>
			      <Pending>0</Pending>
			    </AccountStatus>
			    <SenderAccepted xmlns="` + message.NSRecipient + `">1</SenderAccepted>
			    <LastSenderAcceptChange xmlns="` + message.NSRecipient + `">2026-01-02T03:04:05Z</LastSenderAcceptChange>
			  </return>
			  <?pi ignored?>
			  <return><AccountStatus xmlns="` + message.NSRecipient + `"><RecipientId>` + string(bob) + `</RecipientId><Type>Not</Type><Pending>false</Pending></AccountStatus>` +
			`<SenderAccepted xmlns="` + message.NSRecipient + `">false</SenderAccepted></return>
			</isReachableResponse>`), func(t *testing.T, got []far.Reachability) {
			assert.Equal(t, far.Anonymous, got[0].Type)
			assert.True(t, got[0].SenderAccepted)
			assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), got[0].LastSenderAcceptChange)
			assert.Equal(t, message.PaperNoUsableAddress, got[0].Decide().Reason)
			assert.Equal(t, message.PaperNoMailbox, got[1].Decide().Reason)
		}},
		{"entities and CDATA", reachResponse(
			reachReturn(account(alice, "Secure", "false", `<ns15:ServiceSupplier><ns15:Id>165568402266</ns15:Id><ns15:Name>Brev &amp; Co<!-- x --> AB</ns15:Name>`+
				`<ns15:ServiceAdress><![CDATA[https://a.example/?a=1&b=2]]></ns15:ServiceAdress></ns15:ServiceSupplier>`), "true"),
			digitalAt(bob, "https://b.example")), func(t *testing.T, got []far.Reachability) {
			assert.Equal(t, "Brev & Co AB", got[0].Operator.Name)
			assert.Equal(t, "https://a.example/?a=1&b=2", got[0].Operator.ServiceAddress)
		}},
		{"a SOAP header", strings.Replace(reachResponse(digitalAt(alice, "https://a.example"), digitalAt(bob, "https://b.example")), "<S:Body>",
			`<S:Header><x:Trace xmlns:x="urn:x"><x:id>1</x:id></x:Trace></S:Header><S:Body>`, 1), func(t *testing.T, got []far.Reachability) {
			assert.Equal(t, "https://b.example", got[1].Operator.ServiceAddress)
		}},
		{"one operator shared", reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example")), func(t *testing.T, got []far.Reachability) {
			assert.Same(t, got[0].Operator, got[1].Operator)
		}},
		{"operators that differ in one field", reachResponse(digitalAt(alice, "https://k.example"), digitalAt(bob, "https://k.example/")), func(t *testing.T, got []far.Reachability) {
			assert.NotSame(t, got[0].Operator, got[1].Operator)
			assert.Equal(t, "https://k.example/", got[1].Operator.ServiceAddress)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make([]far.Reachability, len(asked))
			require.NoError(t, far.ReadIsReachable([]byte(tt.body), asked, got))
			assert.Equal(t, asked, recipients(got))
			tt.check(t, got)
		})
	}
}

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   time.Time
		offset int
	}{
		{"2016-10-30T15:38:49.517+01:00", time.Date(2016, 10, 30, 14, 38, 49, 517e6, time.UTC), 3600},
		{"2016-10-30T15:38:49+01:00", time.Date(2016, 10, 30, 14, 38, 49, 0, time.UTC), 3600},
		{"2016-10-30T15:38:49.5-05:30", time.Date(2016, 10, 30, 21, 8, 49, 5e8, time.UTC), -19800},
		{"2016-10-30T15:38:49Z", time.Date(2016, 10, 30, 15, 38, 49, 0, time.UTC), 0},
		{"2016-10-30T15:38:49", time.Date(2016, 10, 30, 15, 38, 49, 0, time.UTC), 0},
		{"2016-10-30T15:38:49.1234567891234Z", time.Date(2016, 10, 30, 15, 38, 49, 123456789, time.UTC), 0},
		{"2024-02-29T00:00:00+14:00", time.Date(2024, 2, 28, 10, 0, 0, 0, time.UTC), 50400},
	}
	for _, tt := range tests {
		got, offset, ok := far.ParseDateTime([]byte(tt.in))
		require.True(t, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.offset, offset, tt.in)
	}
	for _, bad := range []string{
		"", "2016-10-30", "2016-10-30 15:38:49", "2016-13-30T15:38:49Z", "2023-02-29T00:00:00Z", "2016-10-30T24:00:00Z",
		"2016-10-30T15:60:00Z", "2016-10-30T15:38:60Z", "2016-10-30T15:38:49.Z", "2016-10-30T15:38:49+1:00",
		"2016-10-30T15:38:49+15:00", "2016-10-30T15:38:49+01:00:00", "2016-10-30T15:38:49z", "+016-10-30T15:38:49Z",
		"2016-10-00T15:38:49Z", "2016-1a-30T15:38:49Z",
	} {
		_, _, ok := far.ParseDateTime([]byte(bad))
		assert.False(t, ok, bad)
	}
}

// The decoders and the request writers stay consistent with what the
// official XSD allows: the fake's answers, which the decoders read in
// every test, validate in fakeinfra's own tests; here, what the client
// sends is checked against the schema.
func TestRequestsValidate(t *testing.T) {
	t.Parallel()
	ids := []message.RecipientID{alice, bob, "162021004748"}
	for _, doc := range [][]byte{far.AppendIsReachable(nil, sender, ids), far.AppendIsRegistered(nil, ids)} {
		conformance.ValidateXSD(t, conformance.RecipientV3XSD, doc)
		assert.False(t, strings.Contains(string(doc), ":recipientId"), "prefix-free")
	}
}
