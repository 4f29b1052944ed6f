package far_test

import (
	"errors"
	"testing"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzAsked are the identities the fuzzed answers are matched against.
var fuzzAsked = []message.RecipientID{alice, bob}

// answerSeeds are answers of every shape the tests know, for the fuzzers
// to start from.
func answerSeeds(f *testing.F) {
	ok := account(alice, "Secure", "false", kivra("https://k.example")+`<ns15:LastRegistration>2016-10-30T15:38:49.517+01:00</ns15:LastRegistration>`)
	for _, s := range []string{
		string(conformance.Sample(f, "isReachableResponse.xml")),
		string(conformance.Sample(f, "isRegisteredResponse.xml")),
		reachResponse(reachReturn(ok, "true"), digitalAt(bob, "https://k.example")),
		reachResponse(digitalAt(bob, "https://k.example"), reachReturn(account(alice, "Not", "1", ""), "0")),
		registeredResponse(`<ns1:return>`+ok+`</ns1:return>`, `<ns1:return>`+account(bob, "Anonymous", "true", "")+`</ns1:return>`),
		reachResponse(`<ns1:return><ns15:AccountStatus>` + ok + `</ns15:AccountStatus><ns15:AccountStatus/></ns1:return>`),
		envelope(`<getSendersResponse xmlns="` + message.NSAuthorityService + `"><return xmlns=""><Id xmlns="` + message.NSSender + `">162021004748</Id><Name xmlns="` + message.NSSender + `">Kommun A</Name></return></getSendersResponse>`),
		envelope(`<a:getDispatchersResponse xmlns:a="` + message.NSAuthorityService + `"><return><Id xmlns="` + message.NSDispatcher + `">165566778899</Id><Senders xmlns="` + message.NSDispatcher + `">162021004748</Senders></return></a:getDispatchersResponse>`),
		envelope(`<a:isSenderAcceptedResponse xmlns:a="` + message.NSAuthorityService + `"><return>true</return></a:isSenderAcceptedResponse>`),
	} {
		f.Add([]byte(s))
	}
}

// refused reports whether err is one of the errors a malformed answer may
// give: the SOAP layer's, or the package's own.
func refused(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, soap.ErrMalformed) && !errors.Is(err, far.ErrMalformedAnswer) {
		var f *soap.Fault
		require.ErrorAs(t, err, &f, "unexpected kind of error: %v", err)
	}
}

func FuzzDecodeIsReachable(f *testing.F) {
	answerSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		out := make([]far.Reachability, len(fuzzAsked))
		if err := far.ReadIsReachable(body, fuzzAsked, out); err != nil {
			refused(t, err)
			return
		}
		for k, r := range out {
			require.Equal(t, fuzzAsked[k], r.Recipient, "every id asked is answered, in order")
			checkAccount(t, r.Account)
			_ = r.Decide()
		}
	})
}

func FuzzDecodeIsRegistered(f *testing.F) {
	answerSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		out := make([]far.Account, len(fuzzAsked))
		if err := far.ReadIsRegistered(body, fuzzAsked, out); err != nil {
			refused(t, err)
			return
		}
		for k, a := range out {
			require.Equal(t, fuzzAsked[k], a.Recipient)
			checkAccount(t, a)
		}
	})
}

func checkAccount(t *testing.T, a far.Account) {
	t.Helper()
	require.Contains(t, []far.AccountType{far.Secure, far.Anonymous, far.NoAccount}, a.Type)
	if a.Operator != nil {
		require.True(t, a.Operator.ID.Valid(), "operator id %q", a.Operator.ID)
	}
}

func FuzzDecodeAuthority(f *testing.F) {
	answerSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		senders, err := far.ReadSenders(body)
		if err != nil {
			refused(t, err)
		}
		for _, s := range senders {
			require.True(t, s.ID.Valid())
		}
		if _, err := far.ReadSenderAccepted(body); err != nil {
			refused(t, err)
		}
		disp, err := far.ReadDispatchers(body)
		if err != nil {
			refused(t, err)
		}
		for _, d := range disp {
			require.True(t, d.ID.Valid())
			for _, s := range d.Senders {
				require.True(t, s.Valid())
			}
		}
	})
}

// parseDateTime accepts a subset of what time.Parse reads as RFC 3339 (or
// without a zone), and agrees with it on the instant.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2016-10-30T15:38:49.517+01:00", "2016-10-30T15:38:49Z", "2016-10-30T15:38:49", "2024-02-29T23:59:59.999999999-14:00", "2016-10-30T15:38:49.+01:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, offset, ok := far.ParseDateTime([]byte(s))
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			want, err = time.Parse("2006-01-02T15:04:05.999999999", s)
		}
		require.NoError(t, err, "time.Parse refuses %q", s)
		assert.True(t, want.Equal(got), "%q: %s, time.Parse %s", s, got, want)
		_, wantOffset := want.Zone()
		assert.Equal(t, wantOffset, offset, s)
	})
}
