package fakeinfra_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/dsigtest"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/internal/wireform"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A strict operator (the default) refuses what the real operator's own
// verifier refuses on the bytes as received — one row per rule, each with
// fault 5006 and a description naming the rule. An operator relaxed to
// AfterSOAPDecoding accepts the rows only that raw-bytes check refuses,
// and still refuses what the SDK's own verifier refuses.
func TestStrictOperatorRefusesWhatTheRealOneRefuses(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t, fakeinfra.WithOperatorStrictness(fakeinfra.AfterSOAPDecoding, "billo"))
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(carl, fakeinfra.Mailbox("billo")))
	c := infra.HTTPClient()

	org := func(kt testpki.KeyType) *testpki.Leaf {
		l, err := fakeinfra.CAOf(infra).Org(string(fakeinfra.DefaultSenderOrg), fakeinfra.DefaultSenderName, testpki.Options{KeyType: kt})
		require.NoError(t, err)
		return l
	}
	rsaLeaf, ecLeaf := org(testpki.RSA2048), org(testpki.ECDSAP256)
	good := dsigtest.Profile{Key: rsaLeaf.Key, Certs: rsaLeaf.Chain[:1]}
	with := func(f func(*dsigtest.Profile)) dsigtest.Profile { q := good; f(&q); return q }
	date := infra.Now().Format("2006-01-02")
	unsignedFor := func(to string) []byte { return unsignedDoc(t, testMessage(to)) }
	build := func(sender dsigtest.Profile, doc []byte, mutate func([]byte) []byte) []byte {
		signed, err := sender.Sign(doc)
		require.NoError(t, err)
		sealed, err := good.Sign(dsigtest.SealedDelivery(signed, date))
		require.NoError(t, err)
		req, err := dsigtest.Request(wireform.Readable(), sealed)
		require.NoError(t, err)
		if mutate != nil {
			req = mutate(req)
		}
		return req
	}
	withCR := func(doc []byte) []byte {
		out := bytes.Replace(doc, []byte("<Text>Frågor?"), []byte("<Text>Frågor?&#xD;"), 1)
		require.NotEqual(t, doc, out)
		return out
	}
	withPI := func(b []byte) []byte {
		return bytes.Replace(b, []byte("<msg3:Text>"), []byte("<msg3:Text><?pi x?>"), 1)
	}
	oldForm := func(to string) []byte { return oldFormRequest(t, infra, to) }
	tamper := func(b []byte) []byte { return bytes.Replace(b, []byte("Frågor?"), []byte("Frågor!"), 1) }
	badValue := func(b []byte) []byte {
		i := bytes.LastIndex(b, []byte("<ds:SignatureValue>")) + len("<ds:SignatureValue>") + 3
		out := append([]byte{}, b...)
		// Another base64 letter: the value still decodes, to other bytes.
		if out[i] == 'A' {
			out[i] = 'B'
		} else {
			out[i] = 'A'
		}
		return out
	}

	const sdkAccepts, sdkRefuses, sdkDecides = 1, 2, 3
	rows := []struct {
		name string
		rule string
		req  func(to string) []byte
		// relaxed: whether the SDK's own verifier accepts it, which a
		// relaxed operator then does; sdkDecides where that is the SDK
		// verifier's call (ask it).
		relaxed int
	}{
		{"two Transforms", "transforms", func(to string) []byte {
			return build(with(func(q *dsigtest.Profile) { q.Transforms = []string{dsigtest.Enveloped, dsigtest.ExcC14N} }), unsignedFor(to), nil)
		}, sdkAccepts},
		{"a CanonicalizationMethod other than exc-c14n", "canonicalization-method", func(to string) []byte {
			return build(with(func(q *dsigtest.Profile) { q.Canonicalization = dsigtest.C14N }), unsignedFor(to), nil)
		}, sdkDecides},
		{"two X509Certificate", "certificate", func(to string) []byte {
			return build(with(func(q *dsigtest.Profile) { q.Certs = rsaLeaf.Chain }), unsignedFor(to), nil)
		}, sdkAccepts},
		{"an ECDSA key", "key-not-rsa", func(to string) []byte {
			return build(dsigtest.Profile{Key: ecLeaf.Key, Certs: ecLeaf.Chain[:1]}, unsignedFor(to), nil)
		}, sdkDecides},
		{"unprefixed Signature elements (the old wire form)", "no-signature", oldForm, sdkAccepts},
		{"an unprefixed sender Signature", "unprefixed-signature", func(to string) []byte { return build(good, unsignedFor(to), dsigtest.UnprefixFirstSignature) }, sdkAccepts},
		{"&#xD; in signed text", "carriage-return", func(to string) []byte { return build(good, withCR(unsignedFor(to)), nil) }, sdkAccepts},
		{"a processing instruction in signed content", "processing-instruction", func(to string) []byte { return build(good, unsignedFor(to), withPI) }, sdkRefuses},
		{"changed signed text", "digest", func(to string) []byte { return build(good, unsignedFor(to), tamper) }, sdkRefuses},
		{"a SignatureValue that does not verify", "signature", func(to string) []byte { return build(good, unsignedFor(to), badValue) }, sdkRefuses},
	}
	relaxedAccepted := 0
	for _, row := range rows {
		r := send(t, c, infra.OperatorURL("kivra"), row.req(alice))
		assert.Equal(t, soap.CodeSignatureInvalid, faultCode(t, r), row.name)
		assert.Contains(t, string(r.body), "rule "+row.rule+":", row.name)

		req := row.req(carl)
		accepts := row.relaxed == sdkAccepts
		if row.relaxed == sdkDecides {
			_, err := sign.Verify(req, sign.VerifyOptions{Roots: infra.Roots(), At: infra.Now()})
			accepts = err == nil
		}
		r = send(t, c, infra.OperatorURL("billo"), req)
		if accepts {
			relaxedAccepted++
			assert.Equal(t, http.StatusOK, r.status, "%s: relaxed accepts it\n%s", row.name, r.body)
		} else {
			assert.Equal(t, soap.CodeSignatureInvalid, faultCode(t, r), "%s: the SDK's verifier refuses it too", row.name)
			assert.NotContains(t, string(r.body), "rule ", row.name)
		}
	}
	assert.GreaterOrEqual(t, relaxedAccepted, 5)
	assert.Empty(t, infra.Mailbox(alice), "the strict operator stored nothing")
	assert.Len(t, infra.Mailbox(carl), relaxedAccepted)

	// What the SDK sends passes both.
	for _, op := range []string{"kivra", "billo"} {
		to := map[string]string{"kivra": alice, "billo": carl}[op]
		res := delivered(t, send(t, c, infra.OperatorURL(op), sealedRequest(t, infra, infra.SenderSigner(), infra.Sender(), testMessage(to))))
		assert.True(t, res.Statuses[0].Delivered, op)
	}
	// Malformed XML stays invalid input, in both.
	assert.Equal(t, soap.CodeInvalidInput, faultCode(t, send(t, c, infra.OperatorURL("kivra"), []byte(`<soap:Envelope xmlns:soap="`+message.NSSOAP+`"><soap:Body><x:deliverSecure xmlns:x="`+message.NSServiceV3+`"></soap:Body>`))))
}

func TestStrictnessOptionAndConfig(t *testing.T) {
	t.Parallel()
	_, err := fakeinfra.New(fakeinfra.WithOperatorStrictness("lenient"))
	assert.ErrorContains(t, err, `strictness "lenient"`)
	_, err = fakeinfra.New(fakeinfra.WithOperatorStrictness(fakeinfra.AfterSOAPDecoding, "nosuch"))
	assert.ErrorContains(t, err, `operator "nosuch", which the fake does not have`)

	for cfg, want := range map[string]string{
		`{"operator_strictness": "lax"}`: "config: operatorStrictness:",
		`{"operators": [{"name": "kivra", "id": "165568402266", "strictness": "none"}]}`: "config: operators[0].strictness:",
	} {
		_, err := fakeinfra.ParseConfig([]byte(cfg))
		assert.ErrorContains(t, err, want, cfg)
	}
	// Relaxed everywhere but kivra, from JSON.
	c, err := fakeinfra.ParseConfig([]byte(`{"operator_strictness": "after-soap-decoding",
		"operators": [{"name": "kivra", "id": "165568402266", "strictness": "strict"}, {"name": "billo", "id": "165590010004"}],
		"recipients": [{"id": "` + alice + `", "mailbox": "kivra"}, {"id": "` + carl + `", "mailbox": "billo"}]}`))
	require.NoError(t, err)
	infra, err := fakeinfra.NewFromConfig(c)
	require.NoError(t, err)
	t.Cleanup(infra.Close)
	old := func(to string) []byte { return oldFormRequest(t, infra, to) }
	r := send(t, infra.HTTPClient(), infra.OperatorURL("kivra"), old(alice))
	assert.Equal(t, soap.CodeSignatureInvalid, faultCode(t, r))
	assert.True(t, strings.Contains(string(r.body), "rule no-signature"), string(r.body))
	assert.True(t, delivered(t, send(t, infra.HTTPClient(), infra.OperatorURL("billo"), old(carl))).Statuses[0].Delivered)
}

// oldFormRequest is a request in the SDK's former, unprefixed wire form,
// signed and sealed as the fake's sender.
func oldFormRequest(t *testing.T, infra *fakeinfra.Infra, to string) []byte {
	t.Helper()
	signed, err := infra.SenderSigner().SignDelivery(message.NewDelivery(infra.Sender(), testMessage(to)))
	require.NoError(t, err)
	sealed, err := infra.SenderSigner().Seal(signed, infra.Now())
	require.NoError(t, err)
	body, err := sign.AppendDeliverSecure(nil, sealed)
	require.NoError(t, err)
	return soap.AppendEnvelope(nil, body)
}
