package testpki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrgCertificateSubject(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("Test CA")
	require.NoError(t, err)
	org, err := ca.Org("162021004748", "Kommun A")
	require.NoError(t, err)
	assert.Equal(t, "162021004748", org.Cert.Subject.SerialNumber)
	var rdns pkix.RDNSequence
	_, err = asn1.Unmarshal(org.Cert.RawSubject, &rdns)
	require.NoError(t, err)
	assert.Equal(t, "CN=Kommun A+SERIALNUMBER=162021004748,O=Kommun A,C=SE", rdns.String())
	_, err = org.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	assert.NoError(t, err)
}

func TestServerAndExpiry(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("Test CA")
	require.NoError(t, err)
	srv, err := ca.Server("localhost", "127.0.0.1")
	require.NoError(t, err)
	assert.Equal(t, []string{"localhost"}, srv.Cert.DNSNames)
	assert.Equal(t, "127.0.0.1", srv.Cert.IPAddresses[0].String())
	old, err := ca.Org("162021004748", "Kommun A", Options{NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(-1, 0, 0)})
	require.NoError(t, err)
	_, err = old.Cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	assert.Error(t, err, "expired")
	ec, err := ca.Org("162021004748", "Kommun A", Options{KeyType: ECDSAP256})
	require.NoError(t, err)
	assert.Equal(t, x509.ECDSA, ec.Cert.PublicKeyAlgorithm)
	assert.Len(t, srv.TLS().Certificate, 2)
}
