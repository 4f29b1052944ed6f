package sign

import (
	"crypto/x509"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/require"
)

var (
	update    = flag.Bool("update", false, "rewrite the attack golden files under testdata/attacks")
	updatePKI = flag.Bool("update-pki", false, "make new test credentials under testdata/pki (then run -update)")
)

// verifyAt is the time the committed test certificates are checked at, so
// that the golden files do not depend on the day the tests run.
var verifyAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	senderOrg       message.OrgNumber = "162021004748"
	intermediaryOrg message.OrgNumber = "165566778899"
)

// creds are the committed test credentials: a CA and certificates it issued
// (valid 2026–2046), an expired one, and a certificate from a CA nobody
// trusts. They are test keys with no other use.
type creds struct {
	ca                   *x509.Certificate
	caPEM                []byte
	roots                *x509.CertPool
	sender, intermediary *Signer
	expired, untrusted   *Signer
	dir                  string
}

var (
	credsOnce sync.Once
	credsVal  *creds
	credsErr  error
)

func testCreds(t testing.TB) *creds {
	t.Helper()
	credsOnce.Do(func() { credsVal, credsErr = loadCreds(filepath.Join("testdata", "pki")) })
	require.NoError(t, credsErr)
	return credsVal
}

func loadCreds(dir string) (*creds, error) {
	load := func(name string) (*Signer, error) {
		c, err := os.ReadFile(filepath.Join(dir, name+".pem"))
		if err != nil {
			return nil, err
		}
		k, err := os.ReadFile(filepath.Join(dir, name+".key"))
		if err != nil {
			return nil, err
		}
		return LoadPEM(c, k)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		return nil, err
	}
	cas, err := ParseCertificatesPEM(caPEM)
	if err != nil {
		return nil, err
	}
	c := &creds{ca: cas[0], caPEM: caPEM, roots: x509.NewCertPool(), dir: dir}
	c.roots.AddCert(cas[0])
	for name, dst := range map[string]**Signer{
		"sender": &c.sender, "intermediary": &c.intermediary, "expired": &c.expired,
		"untrusted": &c.untrusted,
	} {
		if *dst, err = load(name); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// TestGeneratePKI writes new test credentials with -update-pki.
func TestGeneratePKI(t *testing.T) {
	if !*updatePKI {
		t.Skip("run with -update-pki to make new test credentials")
	}
	dir := filepath.Join("testdata", "pki")
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2046, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := testpki.NewCA("MM Test CA", testpki.Options{NotBefore: from, NotAfter: to})
	require.NoError(t, err)
	other, err := testpki.NewCA("Untrusted CA", testpki.Options{NotBefore: from, NotAfter: to})
	require.NoError(t, err)
	write := func(name string, l *testpki.Leaf) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pem"), testpki.CertPEM(l.Cert), 0o644))
		k, err := l.KeyPEM()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".key"), k, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), ca.PEM(), 0o644))
	leaf := func(ca *testpki.CA, org, name string, o testpki.Options) *testpki.Leaf {
		l, err := ca.Org(org, name, o)
		require.NoError(t, err)
		return l
	}
	valid := testpki.Options{NotBefore: from, NotAfter: to}
	write("sender", leaf(ca, string(senderOrg), "Kommun A", valid))
	write("intermediary", leaf(ca, string(intermediaryOrg), "Förmedlare AB", valid))
	write("expired", leaf(ca, string(senderOrg), "Kommun A", testpki.Options{NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}))
	write("untrusted", leaf(other, string(senderOrg), "Kommun A", valid))
	write("ecdsa", leaf(ca, string(senderOrg), "Kommun A", testpki.Options{NotBefore: from, NotAfter: to, KeyType: testpki.ECDSAP256}))
}

func testSender() message.Sender { return message.Sender{ID: senderOrg, Name: "Kommun A"} }

func testMessage() *message.Message {
	m := &message.Message{
		ID:        "7d1c3e0a-4b2f-4c8e-9f6a-2b3c4d5e6f70",
		Recipient: "195303231855",
		Subject:   "Beslut om bygglov",
		Body:      message.Body{ContentType: message.ContentTypePlain, Text: "Ditt bygglov är beviljat & klart."},
		Support:   message.SupportInfo{Text: "Frågor? Ring 08-123 45 67.", Email: "kontakt@kommun.example"},
		Metadata:  []message.Metadata{{Tag: "dnr", Value: "BN 2026/17"}},
		Attachments: []message.Attachment{
			{Filename: "beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 test")},
		},
	}
	return m.SetDefaults()
}

func testDelivery() *message.Delivery { return message.NewDelivery(testSender(), testMessage()) }

// pem reads the committed key or certificate name ("sender.key",
// "intermediary.pem" …) of the test credentials.
func (c *creds) pem(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	require.NoError(t, err)
	return b
}

func opts(c *creds) VerifyOptions { return VerifyOptions{Roots: c.roots, At: verifyAt} }

// signedAndSealed returns a signed delivery and its seal, both by the
// sender (an agency that is its own intermediary).
func signedAndSealed(t testing.TB, c *creds) (signed, sealed []byte) {
	t.Helper()
	signed, err := c.sender.SignDelivery(testDelivery())
	require.NoError(t, err)
	sealed, err = c.sender.Seal(signed, verifyAt)
	require.NoError(t, err)
	return signed, sealed
}
