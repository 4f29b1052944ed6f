package soap

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"
)

func TestCertificateFromPEM(t *testing.T) {
	t.Parallel()
	p, other := sharedPKI(t), otherPKI(t)
	key, err := p.org.KeyPEM()
	require.NoError(t, err)
	otherKey, err := other.org.KeyPEM()
	require.NoError(t, err)
	combined := append(append([]byte{}, p.org.ChainPEM()...), key...)

	for _, tt := range []struct {
		name       string
		chain, key []byte
		want       string // error; "" for success
	}{
		{name: "chain and key", chain: p.org.ChainPEM(), key: key},
		{name: "one combined file", chain: combined, key: combined},
		{name: "key of another certificate", chain: p.org.ChainPEM(), key: otherKey, want: "private key does not match public key"},
		{name: "not pem", chain: []byte("hello"), key: key, want: "soap: load pem certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := CertificateFromPEM(tt.chain, tt.key)
			if tt.want != "" {
				assert.ErrorContains(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			assertChain(t, p, c, 2)
		})
	}
}

func assertChain(t *testing.T, p testPKI, c tls.Certificate, n int) {
	t.Helper()
	require.Len(t, c.Certificate, n)
	assert.Equal(t, p.org.Cert.Raw, c.Certificate[0])
	require.NotNil(t, c.Leaf)
	assert.Equal(t, testOrgNumber, c.Leaf.Subject.SerialNumber)
	assert.NotNil(t, c.PrivateKey)
}

func TestCertificateFromPKCS12(t *testing.T) {
	t.Parallel()
	p, other := sharedPKI(t), otherPKI(t)
	const password = "hemligt"
	for _, tt := range []struct {
		name string
		enc  *pkcs12.Encoder
	}{
		{"modern AES and PBKDF2", pkcs12.Modern2023},
		{"legacy 3DES", pkcs12.LegacyDES},
		{"legacy RC2", pkcs12.LegacyRC2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := tt.enc.Encode(p.org.Key, p.org.Cert, []*x509.Certificate{p.ca.Cert}, password)
			require.NoError(t, err)
			c, err := CertificateFromPKCS12(data, password)
			require.NoError(t, err)
			assertChain(t, p, c, 1) // the self-signed root is left out

			_, err = CertificateFromPKCS12(data, "fel")
			assert.ErrorContains(t, err, "soap: load pkcs12 certificate")
		})
	}
	t.Run("key of another certificate", func(t *testing.T) {
		t.Parallel()
		data, err := pkcs12.Modern2023.Encode(other.org.Key, p.org.Cert, nil, password)
		require.NoError(t, err)
		_, err = CertificateFromPKCS12(data, password)
		assert.ErrorContains(t, err, "private key does not match the certificate")
	})
	t.Run("with an intermediate", func(t *testing.T) {
		t.Parallel()
		// A chain certificate that is not self-signed stays in the chain.
		data, err := pkcs12.Modern2023.Encode(p.org.Key, p.org.Cert, []*x509.Certificate{other.org.Cert}, password)
		require.NoError(t, err)
		c, err := CertificateFromPKCS12(data, password)
		require.NoError(t, err)
		assertChain(t, p, c, 2)
		assert.Equal(t, other.org.Cert.Raw, c.Certificate[1])
	})
}

// TestCertificateFromOpenSSLPKCS12 loads files made by the openssl command,
// as agencies make them: OpenSSL 3's default (AES-256, PBKDF2) and
// -legacy (3DES, RC2).
func TestCertificateFromOpenSSLPKCS12(t *testing.T) {
	t.Parallel()
	openssl := conformance.Tool(t, "openssl")
	p := sharedPKI(t)
	dir := t.TempDir()
	key, err := p.org.KeyPEM()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chain.pem"), p.org.ChainPEM(), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), key, 0o600))
	const password = "hemligt"
	for _, tt := range []struct {
		name  string
		extra []string
	}{
		{"openssl 3 default", nil},
		{"openssl legacy", []string{"-legacy"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "org.p12")
			args := append([]string{"pkcs12", "-export", "-in", filepath.Join(dir, "chain.pem"), "-inkey", filepath.Join(dir, "key.pem"),
				"-out", out, "-passout", "pass:" + password}, tt.extra...)
			if msg, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
				if conformance.Required() {
					t.Fatalf("openssl: %v\n%s", err, msg)
				}
				t.Skipf("openssl cannot make this file here: %v\n%s", err, msg)
			}
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			c, err := CertificateFromPKCS12(data, password)
			require.NoError(t, err)
			assertChain(t, p, c, 1)
		})
	}
}
