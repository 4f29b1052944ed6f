package conformance

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RootSignatureXPath selects the signature that is a direct child of the
// document's root. Without pinning the node, xmlsec1 checks the first
// signature it finds — and accepts a wrapped document whose root signature
// is not the one checked.
const RootSignatureXPath = `/*/*[local-name()="Signature" and namespace-uri()="http://www.w3.org/2000/09/xmldsig#"]`

// Xmlsec1Verify verifies the root's own signature of doc with xmlsec1,
// trusting the PEM CA certificate caPEM. It returns xmlsec1's refusal as a
// *ToolError, or nil when the signature is valid.
func Xmlsec1Verify(t testing.TB, doc, caPEM []byte, extraArgs ...string) error {
	t.Helper()
	xmlsec := Tool(t, "xmlsec1")
	dir := t.TempDir()
	docFile, caFile := filepath.Join(dir, "doc.xml"), filepath.Join(dir, "ca.pem")
	write(t, docFile, doc)
	write(t, caFile, caPEM)
	args := append([]string{"--verify", "--trusted-pem", caFile, "--node-xpath", RootSignatureXPath}, extraArgs...)
	args = append(args, docFile)
	out, err := exec.Command(xmlsec, args...).CombinedOutput()
	if err != nil {
		return &ToolError{Tool: "xmlsec1", Output: string(out), Err: err}
	}
	return nil
}

// Xmlsec1Sign signs the root's signature template in doc with xmlsec1 and
// returns the signed document. keyPEM and certPEM are the signer's.
func Xmlsec1Sign(t testing.TB, template, keyPEM, certPEM []byte) []byte {
	t.Helper()
	xmlsec := Tool(t, "xmlsec1")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.xml"), filepath.Join(dir, "out.xml")
	key, cert := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	write(t, in, template)
	write(t, key, keyPEM)
	write(t, cert, certPEM)
	cmd := exec.Command(xmlsec, "--sign", "--privkey-pem", key+","+cert, "--node-xpath", RootSignatureXPath, "--output", out, in)
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		t.Fatalf("xmlsec1 --sign: %v\n%s", err, msg.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
