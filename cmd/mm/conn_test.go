package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Operators on loopback — a fake's — are refused unless
// --allow-local-network allows them; the flag takes a network or one
// address, and nothing else.
func TestSendAllowLocalNetwork(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	// fakeFlags allows the fake's loopback address: leave that out.
	require.Equal(t, "--allow-local-network", conn[len(conn)-2])
	conn = conn[:len(conn)-2]
	msg := []string{"send", "--to", "195303231855", "--subject", "Beslut", "--text", "Hej", "--support-text", "Ring oss"}

	// The operator cannot be reached under the address policy: the
	// surroundings, not the message (exit 3).
	code, out, errOut := mm(t, "", append(msg, conn...)...)
	assert.Equal(t, exitTrouble, code, out+errOut)
	assert.Contains(t, out+errOut, "127.0.0.1 is a loopback address")
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))

	for _, allow := range []string{"127.0.0.1", "127.0.0.0/8"} {
		code, out, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", allow)...)
		require.Equal(t, exitOK, code, "%s: %s%s", allow, out, errOut)
		assert.Contains(t, out, "delivered via digital at Kivra")
	}
	// Another network does not help.
	code, out, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", "10.0.0.0/8")...)
	assert.Equal(t, exitTrouble, code, out+errOut)

	code, _, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", "localhost")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `"localhost" is neither a network (127.0.0.1/32) nor an address`)
}

// A PEM file given to --cert, which takes PKCS#12, is named for what it is
// and the flags that take it, not answered with a DER parser's complaint.
func TestCertFlagGivenPEM(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	dir := t.TempDir()
	chain, key := conn[5], conn[7] // --cert-pem FILE --key-pem FILE
	chainPEM, err := os.ReadFile(chain)
	require.NoError(t, err)
	keyPEM, err := os.ReadFile(key)
	require.NoError(t, err)
	both := filepath.Join(dir, "both.pem")
	require.NoError(t, os.WriteFile(both, append(append([]byte{}, chainPEM...), keyPEM...), 0o600))
	broken := filepath.Join(dir, "broken.pem")
	require.NoError(t, os.WriteFile(broken, []byte("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"), 0o600))
	der := filepath.Join(dir, "cert.der")
	block, _ := pem.Decode(chainPEM)
	require.NoError(t, os.WriteFile(der, block.Bytes, 0o600))
	far := []string{"lookup", "--far", infra.FaR().Recipient, "--ca", conn[3]}

	for file, kinds := range map[string]string{chain: "CERTIFICATE", key: "PRIVATE KEY", both: "CERTIFICATE, PRIVATE KEY", broken: "a PEM block that does not decode"} {
		code, out, errOut := mm(t, "", append(far, "--cert", file, "198101052382")...)
		assert.Equal(t, exitUsage, code, out+errOut)
		assert.Contains(t, errOut, "--cert "+file+" holds PEM ("+kinds+"), not PKCS#12: give the certificate chain with --cert-pem and its private key with --key-pem")
		assert.NotContains(t, errOut, "asn1")
	}
	// Other files that are not PKCS#12 say so too.
	junk := filepath.Join(dir, "junk.bin")
	require.NoError(t, os.WriteFile(junk, []byte{0x30, 0x03, 0x02, 0x01, 0x05}, 0o600))
	for file, want := range map[string]string{
		der:  "--cert " + der + " holds a DER certificate, not PKCS#12: give the certificate chain as PEM with --cert-pem and its private key with --key-pem",
		junk: "--cert " + junk + " is not a PKCS#12 file (.p12/.pfx): it does not decode as one",
	} {
		code, _, errOut := mm(t, "", append(far, "--cert", file, "198101052382")...)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, want)
		assert.NotContains(t, errOut, "asn1")
	}
	assert.Zero(t, infra.Requests(fakeinfra.EndpointRecipient))
}
