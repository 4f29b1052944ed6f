package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewSignerReadsOrgNumber(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	assert.Equal(t, senderOrg, c.sender.OrgNumber())
	assert.Equal(t, intermediaryOrg, c.intermediary.OrgNumber())
	assert.Equal(t, "CN=Kommun A+SERIALNUMBER=162021004748,O=Kommun A,C=SE", c.sender.subject)
	assert.Equal(t, AlgRSASHA256, c.sender.Algorithm())
	require.NoError(t, c.sender.CheckOrg(senderOrg))
	assert.ErrorIs(t, c.sender.CheckOrg(intermediaryOrg), ErrSignerMismatch)
	tc := c.sender.TLSCertificate()
	assert.Equal(t, c.sender.Certificate().Raw, tc.Certificate[0])
	assert.True(t, c.expired.ExpiresWithin(verifyAt, 0))
	assert.False(t, c.sender.ExpiresWithin(verifyAt, 30*24*time.Hour))
}

func TestNewSignerRefuses(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	ca, err := testpki.NewCA("CA")
	require.NoError(t, err)
	srv, err := ca.Server("localhost")
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	weird, err := ca.Org("12345", "Konstig AB")
	require.NoError(t, err)

	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"key of another certificate", func() error {
			_, err := NewSigner(c.intermediary.key, c.sender.chain)
			return err
		}, "does not belong"},
		{"no certificate", func() error { _, err := NewSigner(c.sender.key, nil); return err }, "required"},
		{"short RSA key", func() error {
			tmpl := *weird.Cert
			der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca.Cert, &small.PublicKey, ca.Key)
			require.NoError(t, err)
			cert, err := x509.ParseCertificate(der)
			require.NoError(t, err)
			_, err = NewSigner(small, []*x509.Certificate{cert})
			return err
		}, "1024 bits"},
		{"certificate without serialNumber", func() error { _, err := NewSigner(srv.Key, srv.Chain); return err }, "no serialNumber"},
		{"serialNumber that is no organisation number", func() error { _, err := NewSigner(weird.Key, weird.Chain); return err }, "not an organisation number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrKey)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadPEM(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	cert, err := os.ReadFile(filepath.Join(c.dir, "sender.pem"))
	require.NoError(t, err)
	key, err := os.ReadFile(filepath.Join(c.dir, "sender.key"))
	require.NoError(t, err)
	s, err := LoadPEM(cert, key)
	require.NoError(t, err)
	assert.Equal(t, senderOrg, s.OrgNumber())

	_, err = LoadPEM(cert, cert)
	assert.ErrorContains(t, err, "no private key")
	_, err = LoadPEM(key, key)
	assert.ErrorContains(t, err, "no CERTIFICATE")
	_, err = LoadPEM(cert, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
	assert.ErrorContains(t, err, "encrypted")
}

// PKCS#12 files of both generations, made by openssl itself, load.
func TestLoadPKCS12BothGenerations(t *testing.T) {
	t.Parallel()
	openssl := conformance.Tool(t, "openssl")
	c := testCreds(t)
	dir := t.TempDir()
	key, cert := filepath.Join(c.dir, "sender.key"), filepath.Join(c.dir, "sender.pem")
	make12 := func(name string, extra ...string) []byte {
		out := filepath.Join(dir, name)
		args := append([]string{"pkcs12", "-export", "-inkey", key, "-in", cert, "-certfile", filepath.Join(c.dir, "ca.pem"), "-out", out, "-passout", "pass:hemligt"}, extra...)
		b, err := exec.Command(openssl, args...).CombinedOutput()
		require.NoError(t, err, string(b))
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		return data
	}
	modern := make12("modern.p12")
	legacy := make12("legacy.p12", "-legacy")
	info, err := exec.Command(openssl, "pkcs12", "-in", filepath.Join(dir, "modern.p12"), "-info", "-noout", "-passin", "pass:hemligt").CombinedOutput()
	require.NoError(t, err, string(info))
	assert.Contains(t, string(info), "AES-256-CBC", "OpenSSL 3 default generation")
	info, err = exec.Command(openssl, "pkcs12", "-legacy", "-in", filepath.Join(dir, "legacy.p12"), "-info", "-noout", "-passin", "pass:hemligt").CombinedOutput()
	require.NoError(t, err, string(info))
	assert.Contains(t, string(info), "RC2", "legacy generation")

	for name, data := range map[string][]byte{"modern": modern, "legacy": legacy} {
		s, err := LoadPKCS12(data, "hemligt")
		require.NoError(t, err, name)
		assert.Equal(t, senderOrg, s.OrgNumber(), name)
		assert.Len(t, s.Chain(), 2, "%s: certificate and CA", name)
		signed, err := s.SignDelivery(testDelivery())
		require.NoError(t, err, name)
		_, err = Verify(signed, opts(c))
		assert.NoError(t, err, name)

		_, err = LoadPKCS12(data, "fel")
		assert.ErrorIs(t, err, ErrKey, name)
		assert.ErrorContains(t, err, "wrong password", name)
	}

	// A file holding only certificates has no key to sign with.
	certOnly := filepath.Join(dir, "certonly.p12")
	b, err := exec.Command(openssl, "pkcs12", "-export", "-nokeys", "-in", cert, "-out", certOnly, "-passout", "pass:hemligt").CombinedOutput()
	require.NoError(t, err, string(b))
	data, err := os.ReadFile(certOnly)
	require.NoError(t, err)
	_, err = LoadPKCS12(data, "hemligt")
	assert.ErrorIs(t, err, ErrKey)

	_, err = LoadPKCS12([]byte("not pkcs12"), "x")
	assert.ErrorIs(t, err, ErrKey)
}

func TestSignerRefusesForeignSender(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	d := testDelivery()
	_, err := c.intermediary.SignDelivery(d)
	assert.ErrorIs(t, err, ErrSignerMismatch)
	signed, err := c.intermediary.SignDelivery(d, OnBehalfOf(senderOrg))
	require.NoError(t, err)
	v, err := Verify(signed, opts(c))
	require.NoError(t, err)
	assert.False(t, v.SignerIsSender, "signed by an intermediary on the sender's behalf")
	lvl, ok := v.Level(LevelSender)
	require.True(t, ok)
	assert.Equal(t, intermediaryOrg, lvl.Signer.OrgNumber)
}

// opaqueKey is a crypto.Signer that is not a key type of the standard
// library, as an HSM or a cloud KMS hands out: the private key never leaves
// it, and every signature is a call.
type opaqueKey struct {
	inner crypto.Signer
	calls int
}

func (k *opaqueKey) Public() crypto.PublicKey { return k.inner.Public() }
func (k *opaqueKey) Sign(r io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	k.calls++
	return k.inner.Sign(r, digest, o)
}

func TestSignerWithAnOpaqueKey(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	for name, base := range map[string]*Signer{"rsa": c.sender} {
		key := &opaqueKey{inner: base.key}
		s, err := NewSigner(key, base.Chain())
		require.NoError(t, err, name)
		signed, err := s.SignDelivery(testDelivery())
		require.NoError(t, err, name)
		sealed, err := s.Seal(signed, verifyAt)
		require.NoError(t, err, name)
		v, err := Verify(sealed, opts(c))
		require.NoError(t, err, name)
		assert.Len(t, v.Levels, 2, name)
		assert.Equal(t, 2, key.calls, "%s: one signature each for the delivery and the seal", name)
	}
}
