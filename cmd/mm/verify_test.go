package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sign package keeps test credentials and documents made by xmlsec1 and
// by attackers; the command must judge them as the library does.
var (
	signData = filepath.Join("..", "..", "sign", "testdata")
	caPEM    = filepath.Join(signData, "pki", "ca.pem")
	verifyAt = "2026-06-01T12:00:00Z"
)

func mm(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// sealedDelivery is a delivery signed and sealed with the sign package's
// test credentials.
func sealedDelivery(t *testing.T) []byte {
	t.Helper()
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(signData, "pki", n))
		require.NoError(t, err)
		return b
	}
	s, err := sign.LoadPEM(read("sender.pem"), read("sender.key"))
	require.NoError(t, err)
	signed, err := s.SignDelivery(testDelivery())
	require.NoError(t, err)
	sealed, err := s.Seal(signed, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return sealed
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(f, b, 0o600))
	return f
}

// sdkSealed is a file holding the prefix-free deliverSecure element.
func sdkSealed(t *testing.T) string {
	t.Helper()
	body, err := sign.AppendDeliverSecure(nil, sealedDelivery(t))
	require.NoError(t, err)
	return writeTemp(t, "request.xml", body)
}

// sdkRequest is a file holding the request as the SDK sends it: prefixed.
func sdkRequest(t *testing.T) string {
	t.Helper()
	req, err := sign.DeliverSecureRequest(sealedDelivery(t))
	require.NoError(t, err)
	return writeTemp(t, "prefixed.xml", req)
}

func TestVerifyValidForms(t *testing.T) {
	t.Parallel()
	files := map[string]int{
		filepath.Join(signData, "foreign", "canonical.xml"):            1,
		filepath.Join(signData, "foreign", "pretty-printed.xml"):       1,
		filepath.Join(signData, "foreign", "sealed-prefixed-soap.xml"): 2,
		sdkSealed(t):  2,
		sdkRequest(t): 2,
	}
	for f, levels := range files {
		code, out, errOut := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
		assert.Equal(t, exitOK, code, "%s\n%s%s", f, out, errOut)
		assert.Contains(t, out, ": valid\n")
		assert.Equal(t, levels, strings.Count(out, "signed by 16"), out)
		assert.Contains(t, out, "to 19530323****", "the recipient is masked")
		assert.NotContains(t, out, "195303231855")
	}
}

func TestVerifySHA1NeedsTheFlag(t *testing.T) {
	t.Parallel()
	f := filepath.Join(signData, "foreign", "rsa-sha1.xml")
	code, out, _ := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "INVALID")
	assert.Contains(t, out, "needs AllowSHA1")
	code, out, _ = mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, "--allow-sha1", f)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "rsa-sha1, allowed by --allow-sha1")
}

func TestVerifyRefusesEveryAttack(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(signData, "attacks", "*.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		code, out, _ := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
		assert.Equal(t, exitFailed, code, "%s must be refused:\n%s", f, out)
		assert.Contains(t, out, "INVALID", f)
	}
}

func TestVerifyUntrustedWithoutTrustFlag(t *testing.T) {
	t.Parallel()
	code, out, _ := mm(t, "", "verify", "--at", verifyAt, sdkSealed(t))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "unknown authority")
	assert.Contains(t, out, "no --trust given")
}

func TestVerifyJSONAndStdin(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(sdkSealed(t))
	require.NoError(t, err)
	code, out, errOut := mm(t, string(doc), "verify", "--json", "--trust", caPEM, "--at", verifyAt, "-")
	require.Equal(t, exitOK, code, errOut)
	var got struct {
		Valid  bool `json:"valid"`
		Levels []struct {
			Level, OrgNumber string
		} `json:"levels"`
		Recipient string `json:"recipient"`
		Seal      struct {
			ReceivedTime string `json:"receivedTime"`
		} `json:"seal"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.True(t, got.Valid)
	assert.Len(t, got.Levels, 2)
	assert.Equal(t, "19530323****", got.Recipient)
	assert.Equal(t, "2026-06-01", got.Seal.ReceivedTime)

	code, out, _ = mm(t, "<x/>", "verify", "--json", "--trust", caPEM, "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, `"valid": false`)
}

func TestVerifyUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"verify"},
		{"verify", "a.xml", "b.xml"},
		{"verify", "--at", "yesterday", "a.xml"},
		{"verify", "--trust", "/nonexistent/ca.pem", "a.xml"},
		{"verify", "--bogus", "a.xml"},
	} {
		code, _, _ := mm(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
	code, _, errOut := mm(t, "", "verify", "--trust", caPEM, "/nonexistent/doc.xml")
	assert.Equal(t, exitUsage, code, "a file that cannot be read is an input error")
	assert.Contains(t, errOut, "no such file")
	code, _, _ = mm(t, "", "frobnicate")
	assert.Equal(t, exitUsage, code)
	code, out, _ := mm(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "verify")
}

// A proof bundle made by a real delivery to the fake verifies; a tampered
// one does not.
func TestVerifyProofBundle(t *testing.T) {
	t.Parallel()
	infra, c, op := fakeForward(t)
	proof, err := c.Deliver(context.Background(), op, testDelivery(), infra.SenderSigner())
	require.NoError(t, err)
	dir := t.TempDir()
	f := filepath.Join(dir, "proof.json")
	var buf bytes.Buffer
	_, err = proof.WriteTo(&buf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f, buf.Bytes(), 0o600))
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, infra.CAPEM(), 0o600))

	code, out, errOut := mm(t, "", "verify", "--trust", ca, f)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "valid proof")
	assert.Contains(t, out, "delivered via digital at Kivra")
	assert.Equal(t, 2, strings.Count(out, "signed by 162021004748"))
	assert.NotContains(t, out, "195303231855")
	code, out, _ = mm(t, "", "verify", "--insecure-skip-chain", f)
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, ": proof consistent, signature valid, certificate chain NOT checked\n")
	assert.NotContains(t, out, "valid proof")

	tampered := bytes.Replace(buf.Bytes(), []byte(`"state": "delivered"`), []byte(`"state": "declined"`), 1)
	require.NotEqual(t, buf.Bytes(), tampered)
	require.NoError(t, os.WriteFile(f, tampered, 0o600))
	code, out, _ = mm(t, "", "verify", "--trust", ca, f)
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "INVALID proof")
}

// Proof bundles the SDK wrote before the prefixed wire form stay valid.
func TestVerifyOldProofBundles(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"proof-v1-unprefixed.json", "proof-v1-two-transforms.json"} {
		f := filepath.Join("..", "..", "receipt", "testdata", name)
		code, out, errOut := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
		assert.Equal(t, exitOK, code, "%s\n%s%s", name, out, errOut)
		assert.Contains(t, out, ": valid proof", name)
		assert.Equal(t, 2, strings.Count(out, "signed by 162021004748"), name)
	}
}

// A class-1 bundle, which anyone can make without a key, is reported as
// not verifiable, with its own exit status, in text and in JSON.
func TestVerifyClassOneProofIsNotVerifiable(t *testing.T) {
	t.Parallel()
	m := testDelivery().Messages[0]
	m.Class = 1
	m.Attachments = nil
	n := &message.Notification{Sender: message.Sender{ID: "162021004748", Name: "Kommun A"}, Message: m}
	req, err := forward.NotifyRequest(n)
	require.NoError(t, err)
	a := receipt.Attempt{MessageID: m.ID, Sender: "162021004748", Recipient: m.Recipient, Class: 1,
		Operator: message.Operator{ID: "165568402266", Name: "Kivra"}, Request: req, Attempts: 1, At: time.Now()}
	res := &receipt.NotifyResult{TransID: "t-1", Statuses: []receipt.NotifyStatus{{RecipientID: m.Recipient, Delivered: true}}}
	r, err := receipt.FromNotifyResult(a, res)
	require.NoError(t, err)
	answer, err := receipt.AppendNotifyResponse(nil, res)
	require.NoError(t, err)
	p := &receipt.Proof{Receipt: *r, Request: req, Response: soap.AppendEnvelope(nil, answer)}
	var buf bytes.Buffer
	_, err = p.WriteTo(&buf)
	require.NoError(t, err)
	f := filepath.Join(t.TempDir(), "class1.json")
	require.NoError(t, os.WriteFile(f, buf.Bytes(), 0o600))

	code, out, _ := mm(t, "", "verify", "--trust", caPEM, f)
	assert.Equal(t, exitNotVerifiable, code, out)
	assert.Contains(t, out, "class1.json: not verifiable: class 1 carries no signatures")
	assert.NotContains(t, out, "valid proof")
	code, out, _ = mm(t, "", "verify", "--json", "--trust", caPEM, f)
	assert.Equal(t, exitNotVerifiable, code, out)
	assert.Contains(t, out, `"notVerifiable": true`)
	assert.Contains(t, out, `"valid": false`)
	code, out, _ = mm(t, "", "verify", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "4  a proof of a class-1 notification, which is not verifiable", "the help documents the status")
}

// Forged bundles are invalid: a key twice, two keys equal but for case,
// a second SOAP Body.
func TestVerifyForgedProofBundles(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile(filepath.Join("..", "..", "receipt", "testdata", "proof-v1-unprefixed.json"))
	require.NoError(t, err)
	for name, forged := range map[string]string{
		"duplicate key":   strings.Replace(string(good), `"messageId": "`, `"messageId": "forged", "messageId": "`, 1),
		"case-folded key": strings.Replace(string(good), `"sender": "`, `"MessageId": "forged", "sender": "`, 1),
	} {
		f := filepath.Join(t.TempDir(), "forged.json")
		require.NoError(t, os.WriteFile(f, []byte(forged), 0o600))
		code, out, _ := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
		assert.Equal(t, exitFailed, code, "%s: %s", name, out)
		assert.Contains(t, out, "INVALID proof", name)
	}
}
