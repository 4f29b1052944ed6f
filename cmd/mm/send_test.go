package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/opverify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sendBase = []string{"send", "--fake", "--subject", "Beslut om bygglov", "--text", "Ditt bygglov är beviljat.", "--support-text", "Ring 08-123 45 67."}

func TestSendFakeEveryPath(t *testing.T) {
	t.Parallel()
	paper := t.TempDir()
	cases := map[string]string{
		"195303231855":  "delivered via digital at Kivra",
		"198101052382":  "paper via paper, because the recipient has no digital mailbox",
		"19900101-2385": "paper via paper, because the recipient does not accept digital mail from this sender",
		"000101-2384":   "paper via paper, because the recipient's mailbox account is not yet active",
	}
	for to, want := range cases {
		code, out, errOut := mm(t, "", append(sendBase, "--to", to, "--paper-dir", paper)...)
		require.Equal(t, exitOK, code, "%s: %s%s", to, out, errOut)
		assert.Contains(t, out, want, to)
		assert.Contains(t, out, "****", "the recipient is masked")
	}
	entries, err := os.ReadDir(paper)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "three letters in the paper folder")
}

func TestSendClass1AndJSON(t *testing.T) {
	t.Parallel()
	code, out, errOut := mm(t, "", append(sendBase, "--to", "195303231855", "--class", "1", "--json",
		"--sms-from", "Kommun A", "--sms-text", "Nytt meddelande", "--email-from", "noreply@kommun.example",
		"--email-subject", "Nytt meddelande", "--email-text", "Du har post.")...)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, `"channel": "notification"`)
	assert.Contains(t, out, `"SMS"`)
	assert.Contains(t, out, `"19530323****"`)
}

// --fake --dry-run writes the exact request: it validates against the XSD
// and verifies with mm verify and with xmlsec1.
func TestSendDryRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	req := filepath.Join(dir, "req.xml")
	pdf := filepath.Join(dir, "beslut.pdf")
	require.NoError(t, os.WriteFile(pdf, []byte("%PDF-1.7 beslut"), 0o600))
	code, out, errOut := mm(t, "", append(sendBase, "--to", "195303231855", "--attach", pdf, "--dry-run", "--out", req)...)
	require.Equal(t, exitOK, code, out+errOut)
	assert.Contains(t, out, "nothing was sent")
	doc, err := os.ReadFile(req)
	require.NoError(t, err)

	conformance.ValidatePayload(t, conformance.ServiceXSD, doc)
	assert.NoError(t, opverify.Verify(doc), "the operator's own checks pass")
	assert.Contains(t, string(doc), "<soap:Body><svc3:deliverSecure><svc3:deliverSecure><msg3:SignedDelivery>", "the prefixed wire form")

	// The fake's CA is the same in every fake of this process.
	infra, err := fakeinfra.New()
	require.NoError(t, err)
	defer infra.Close()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, infra.CAPEM(), 0o600))
	code, out, _ = mm(t, "", "verify", "--trust", ca, req)
	assert.Equal(t, exitOK, code, out)
	assert.Equal(t, 2, strings.Count(out, "signed by 162021004748"))

	sealed, signed, err := conformance.SealedFromWire(doc)
	require.NoError(t, err)
	assert.NoError(t, conformance.Xmlsec1Verify(t, sealed, infra.CAPEM()))
	assert.NoError(t, conformance.Xmlsec1Verify(t, signed, infra.CAPEM()))
}

// sendWithProof sends with --fake and --proof, and returns the proof
// bundle's path and that of the fake's CA (every fake has the same one).
func sendWithProof(t *testing.T) (proof, ca string) {
	t.Helper()
	dir := t.TempDir()
	proof = filepath.Join(dir, "proof.json")
	code, out, errOut := mm(t, "", append(sendBase, "--to", "195303231855", "--proof", proof)...)
	require.Equal(t, exitOK, code, out+errOut)
	infra, err := fakeinfra.New()
	require.NoError(t, err)
	defer infra.Close()
	ca = filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, infra.CAPEM(), 0o600))
	return proof, ca
}

func TestSendProofIsVerifiable(t *testing.T) {
	t.Parallel()
	proof, ca := sendWithProof(t)
	code, out, _ := mm(t, "", "verify", "--trust", ca, proof)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "valid proof")
}

func TestSendRefuses(t *testing.T) {
	t.Parallel()
	code, _, errOut := mm(t, "", "send", "--fake", "--to", "195303231855", "--subject", "x", "--text", "y")
	assert.Equal(t, exitUsage, code, "no support text: an invalid message is an input error")
	assert.Contains(t, errOut, "--support-text: required", "the flag is named, not the Go field")
	for _, args := range [][]string{
		{"send", "--fake"},
		{"send", "--fake", "--to", "19530323185X", "--subject", "s", "--text", "t"},
		{"send", "--fake", "--to", "195303231855", "--subject", "s"},
		{"send", "--fake", "--to", "195303231855", "--subject", "s", "--text", "t", "--html", "x.html"},
		{"send", "--fake", "--to", "195303231855", "--subject", "s", "--text", "t", "--class", "4"},
		{"send", "--fake", "--to", "195303231855", "--subject", "s", "--text", "t", "--dry-run"},
		{"send", "--to", "195303231855", "--subject", "s", "--text", "t", "--support-text", "u"},
	} {
		code, _, _ := mm(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
}
