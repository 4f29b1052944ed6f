package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifyResult is the part of mm verify's JSON these tests read.
type verifyResult struct {
	Valid               bool      `json:"valid"`
	Result              string    `json:"result"`
	SignatureValid      bool      `json:"signatureValid"`
	ChainChecked        bool      `json:"chainChecked"`
	OperatorWouldRefuse []refusal `json:"operatorWouldRefuse"`
}

func verifyJSONOf(t *testing.T, out string) verifyResult {
	t.Helper()
	var got verifyResult
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	return got
}

// With --insecure-skip-chain a good signature is "signature valid,
// certificate chain NOT checked", in text and JSON, never plain "valid";
// a bad one is still INVALID.
func TestVerifySkipChainIsNotValid(t *testing.T) {
	t.Parallel()
	f := sdkSealed(t)
	code, out, errOut := mm(t, "", "verify", "--insecure-skip-chain", f)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, ": signature valid, certificate chain NOT checked\n")
	assert.NotContains(t, out, ": valid")

	code, out, _ = mm(t, "", "verify", "--insecure-skip-chain", "--json", f)
	require.Equal(t, exitOK, code, out)
	got := verifyJSONOf(t, out)
	assert.Equal(t, verifyResult{Valid: false, Result: "signature valid, certificate chain NOT checked", SignatureValid: true, ChainChecked: false}, got)

	// Checked in full, the same document says valid in both forms.
	code, out, _ = mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, "--json", f)
	require.Equal(t, exitOK, code, out)
	assert.Equal(t, verifyResult{Valid: true, Result: "valid", SignatureValid: true, ChainChecked: true}, verifyJSONOf(t, out))

	doc, err := os.ReadFile(f)
	require.NoError(t, err)
	tampered := bytes.Replace(doc, []byte("Beslut om bygglov"), []byte("Beslut om rivning"), 1)
	require.NotEqual(t, doc, tampered)
	code, out, _ = mm(t, string(tampered), "verify", "--insecure-skip-chain", "--json", "-")
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, verifyResult{Result: "invalid", ChainChecked: false}, verifyJSONOf(t, out))
}

// A delivery far over the 2 MB message limit, signed outside the SDK
// (which refuses to sign one), verifies — its signature is good — and mm
// verify says that an operator would refuse it, naming the limit and the
// fault, in text and JSON.
func TestVerifyOversizeDelivery(t *testing.T) {
	t.Parallel()
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(signData, "pki", n))
		require.NoError(t, err)
		return b
	}
	d := testDelivery()
	small := []byte("%PDF-1.4 small")
	d.Messages[0].Attachments = []message.Attachment{{Filename: "beslut.pdf", ContentType: "application/pdf", Data: small}}
	unsigned, err := d.MarshalSignedDelivery()
	require.NoError(t, err)
	big := bytes.Repeat([]byte("%PDF-1.4 large "), 6<<20/15) // 6 MiB
	unsigned = bytes.Replace(unsigned, []byte(base64.StdEncoding.EncodeToString(small)), []byte(base64.StdEncoding.EncodeToString(big)), 1)
	unsigned = bytes.Replace(unsigned, []byte(md5Upper(small)), []byte(md5Upper(big)), 1)
	tmpl := `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="` + sign.AlgExcC14N +
		`"></CanonicalizationMethod><SignatureMethod Algorithm="` + sign.AlgRSASHA256 + `"></SignatureMethod><Reference URI=""><Transforms><Transform Algorithm="` +
		sign.AlgEnveloped + `"></Transform></Transforms><DigestMethod Algorithm="` + sign.AlgSHA256 +
		`"></DigestMethod><DigestValue></DigestValue></Reference></SignedInfo><SignatureValue></SignatureValue><KeyInfo><X509Data><X509Certificate></X509Certificate></X509Data></KeyInfo></Signature>`
	i := bytes.LastIndex(unsigned, []byte("</SignedDelivery>"))
	doc := append(append(append([]byte{}, unsigned[:i]...), tmpl...), unsigned[i:]...)
	signed := conformance.Xmlsec1Sign(t, doc, read("sender.key"), read("sender.pem"))
	f := filepath.Join(t.TempDir(), "large.xml")
	require.NoError(t, os.WriteFile(f, signed, 0o600))

	code, out, errOut := mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, f)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, ": valid\n")
	want := "operators would refuse it: message " + d.Messages[0].ID + ": Message must be at most " + strconv.Itoa(message.MaxSecureMessage) +
		" bytes on the wire (2 MB, attachments included), got "
	assert.Contains(t, out, want)
	assert.Contains(t, out, " bytes; operators answer fault 5005 (maximum exceeded, §4.17)\n")

	code, out, _ = mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, "--json", f)
	require.Equal(t, exitOK, code, out)
	got := verifyJSONOf(t, out)
	assert.True(t, got.Valid)
	require.Len(t, got.OperatorWouldRefuse, 1)
	r := got.OperatorWouldRefuse[0]
	assert.Equal(t, d.Messages[0].ID, r.Message)
	assert.Equal(t, 5005, r.Fault)
	assert.Contains(t, r.Rule, "at most 2097152 bytes")
	size, err := strconv.Atoi(strings.TrimSuffix(r.Found, " bytes"))
	require.NoError(t, err, r.Found)
	assert.Greater(t, size, 8<<20, "the base64 of 6 MiB")

	// A delivery within the limit has no such line.
	code, out, _ = mm(t, "", "verify", "--trust", caPEM, "--at", verifyAt, sdkSealed(t))
	require.Equal(t, exitOK, code, out)
	assert.NotContains(t, out, "operators would refuse")
}

func md5Upper(b []byte) string {
	sum := md5.Sum(b)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// A class-1 proof bundle has no signatures to report: --json must still
// answer (it dereferenced the missing result before).
func TestVerifyClass1ProofJSON(t *testing.T) {
	t.Parallel()
	infra, c, op := fakeForward(t)
	m := testDelivery().Messages[0]
	m.Class = 1
	m.SMS = &message.SMSNotice{From: "Kommun A", Text: "Nytt meddelande"}
	proof, err := c.Notify(context.Background(), op, &message.Notification{Sender: infra.Sender(), Message: m})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = proof.WriteTo(&buf)
	require.NoError(t, err)
	f := filepath.Join(t.TempDir(), "class1.json")
	require.NoError(t, os.WriteFile(f, buf.Bytes(), 0o600))

	_, out, errOut := mm(t, "", "verify", "--json", f)
	var got struct {
		File   string `json:"file"`
		Levels []any  `json:"levels"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out+errOut)
	assert.Equal(t, f, got.File)
	assert.Empty(t, got.Levels)
}

// fakeForward starts a fake with a mailbox at Kivra for 195303231855 and
// returns a forward client of its default sender and the operator.
func fakeForward(t *testing.T) (*fakeinfra.Infra, *forward.Client, message.Operator) {
	t.Helper()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: infra.SenderSigner().TLSCertificate(), Roots: infra.Roots()})
	require.NoError(t, err)
	c, err := forward.New(forward.Config{Signer: infra.SenderSigner(), HTTPClient: hc, Roots: infra.Roots(), AllowLocalNetworks: infra.LocalNetworks()})
	require.NoError(t, err)
	op, _ := infra.Operator("kivra")
	return infra, c, message.Operator{ID: op.ID, Name: op.Name, ServiceAddress: op.ServiceAddress}
}
