package opverify_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/dsigtest"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/require"
)

// pki is one test CA with an RSA and an ECDSA organisation certificate.
type pki struct {
	ca       *testpki.CA
	rsa, ec  *testpki.Leaf
	sender   message.Sender
	good     dsigtest.Profile
	ecSigner dsigtest.Profile
}

var (
	pkiOnce sync.Once
	shared  pki
)

func testPKI(t testing.TB) pki {
	t.Helper()
	pkiOnce.Do(func() {
		ca, err := testpki.NewCA("opverify test CA")
		require.NoError(t, err)
		r, err := ca.Org("162021004748", "Kommun A")
		require.NoError(t, err)
		e, err := ca.Org("162021004748", "Kommun A", testpki.Options{KeyType: testpki.ECDSAP256})
		require.NoError(t, err)
		shared = pki{
			ca: ca, rsa: r, ec: e,
			sender:   message.Sender{ID: "162021004748", Name: "Kommun A"},
			good:     dsigtest.Profile{Key: r.Key, Certs: r.Chain[:1]},
			ecSigner: dsigtest.Profile{Key: e.Key, Certs: e.Chain[:1]},
		}
	})
	return shared
}

// unsigned is the unsigned SignedDelivery of a test message.
func unsigned(t testing.TB, p pki, m *message.Message) []byte {
	t.Helper()
	b, err := message.NewDelivery(p.sender, m.SetDefaults()).MarshalSignedDelivery()
	require.NoError(t, err)
	return b
}

// sdkSealed signs and seals a test delivery with package sign.
func sdkSealed(t testing.TB, p pki) (signed, sealed []byte) {
	t.Helper()
	signer, err := sign.NewSigner(p.rsa.Key, p.rsa.Chain)
	require.NoError(t, err)
	signed, err = signer.SignDelivery(message.NewDelivery(p.sender, testMessage().SetDefaults()))
	require.NoError(t, err)
	sealed, err = signer.Seal(signed, time.Now())
	require.NoError(t, err)
	return signed, sealed
}

// request signs doc as sender, seals it as sealer and writes the request in
// layout; mutate, if not nil, then changes the request's bytes.
func request(t testing.TB, layout *wireform.Layout, sender, sealer dsigtest.Profile, doc []byte, mutate func([]byte) []byte) []byte {
	t.Helper()
	signed, err := sender.Sign(doc)
	require.NoError(t, err)
	sealed, err := sealer.Sign(dsigtest.SealedDelivery(signed, "2026-06-01"))
	require.NoError(t, err)
	req, err := dsigtest.Request(layout, sealed)
	require.NoError(t, err)
	if mutate != nil {
		req = mutate(req)
	}
	return req
}

// replace returns a mutation that replaces the first old with new, and
// fails the test if old is not there.
func replace(t testing.TB, old, new string) func([]byte) []byte {
	return func(b []byte) []byte {
		t.Helper()
		require.Contains(t, string(b), old)
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
}

// replaceLast is replace for the last old, which in a sealed request is
// in the seal's signature: the seal is checked first.
func replaceLast(t testing.TB, old, new string) func([]byte) []byte {
	return func(b []byte) []byte {
		t.Helper()
		i := bytes.LastIndex(b, []byte(old))
		require.GreaterOrEqual(t, i, 0, old)
		return append(append(append([]byte{}, b[:i]...), new...), b[i+len(old):]...)
	}
}

func testMessage() *message.Message { return testmsg.New(testmsg.Alice) }

// operatorLayout is the layout of the operator's own test request: p1 to
// p7, numbered in the order of their namespaces.
func operatorLayout(t testing.TB) *wireform.Layout {
	t.Helper()
	l, err := wireform.NewLayout([]wireform.Prefix{
		{Name: "p1", Namespace: message.NSMessage},
		{Name: "p2", Namespace: message.NSMessageV2},
		{Name: "p3", Namespace: message.NSMessageV3},
		{Name: "p4", Namespace: message.NSSender},
		{Name: "p5", Namespace: message.NSServiceV3},
		{Name: "p6", Namespace: message.NSSOAP},
		{Name: "p7", Namespace: message.NSDSig},
	})
	require.NoError(t, err)
	return l
}
