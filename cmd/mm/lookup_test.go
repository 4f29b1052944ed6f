package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/testpki"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"
)

// lookupFake is a fake FaR with the four test recipients, and the files
// and flags mm lookup needs to reach it as Kommun A.
type lookupFake struct {
	infra *fakeinfra.Infra
	dir   string
	ca    string   // the fake's CA, PEM
	conn  []string // --far, --ca, --cert-pem, --key-pem
}

func newLookupFake(t *testing.T) lookupFake {
	t.Helper()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient("198101052382", fakeinfra.NoMailbox()))
	require.NoError(t, infra.AddRecipient("199001012385", fakeinfra.Mailbox("billo"), fakeinfra.Rejects(fakeinfra.DefaultSenderOrg)))
	require.NoError(t, infra.AddRecipient("200001012384", fakeinfra.Mailbox("fortnox"), fakeinfra.Pending()))
	dir := t.TempDir()
	f := lookupFake{infra: infra, dir: dir, ca: filepath.Join(dir, "ca.pem")}
	require.NoError(t, os.WriteFile(f.ca, infra.CAPEM(), 0o600))
	chain, key := f.orgPEM(t, string(fakeinfra.DefaultSenderOrg), fakeinfra.DefaultSenderName)
	base := strings.TrimSuffix(infra.FaR().Recipient, "/Recipient/v3")
	f.conn = []string{"--far", base, "--ca", f.ca, "--cert-pem", chain, "--key-pem", key}
	return f
}

// orgPEM issues an organisation certificate from the fake's CA and writes
// its chain and key as PEM files.
func (f lookupFake) orgPEM(t *testing.T, org, name string) (chainFile, keyFile string) {
	t.Helper()
	leaf, err := f.infra.Issue(message.OrgNumber(org), name)
	require.NoError(t, err)
	keyPEM, err := leaf.KeyPEM()
	require.NoError(t, err)
	chainFile, keyFile = filepath.Join(f.dir, org+".pem"), filepath.Join(f.dir, org+".key")
	require.NoError(t, os.WriteFile(chainFile, leaf.CertPEM(), 0o600))
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))
	return chainFile, keyFile
}

// file writes a file in the fake's folder and returns its path.
func (f lookupFake) file(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(f.dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// lookup runs mm lookup with the fake's connection flags before args.
func (f lookupFake) lookup(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return mm(t, stdin, append(append([]string{"lookup"}, f.conn...), args...)...)
}

var testIDs = []string{"195303231855", "198101052382", "199001012385", "200001012384"}

func assertMasked(t *testing.T, s string) {
	t.Helper()
	for _, id := range testIDs {
		assert.NotContains(t, s, id)
	}
}

// Every decision, in the order asked, from identities in the forms people
// write them, masked.
func TestLookupDecisions(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	code, out, errOut := f.lookup(t, "", "530323-1855", "19810105-2382", "199001012385", "000101-2384", "5303231855")
	require.Equal(t, exitOK, code, errOut)
	kivra := f.infra.OperatorURL("kivra")
	assert.Equal(t, "19530323****  digital  Kivra (165568402266)  "+kivra+"\n"+
		"19810105****  paper    the recipient has no digital mailbox\n"+
		"19900101****  paper    the recipient does not accept digital mail from this sender\n"+
		"20000101****  paper    the recipient's mailbox account is not yet active\n"+
		"19530323****  digital  Kivra (165568402266)  "+kivra+"\n", out)
	assert.Equal(t, "mm lookup: 5 looked up for sender 162021004748: 2 digital, 3 paper\n", errOut)
	assertMasked(t, out+errOut)
	assert.Equal(t, 1, f.infra.Requests(fakeinfra.EndpointRecipient), "one call; the repeat asked once")
}

func TestLookupShowIDsAndJSON(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	code, out, _ := f.lookup(t, "", "--show-ids", "195303231855", "198101052382")
	require.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(out, "195303231855  digital  Kivra"), out)
	assert.Contains(t, out, "198101052382  paper")

	code, out, errOut := f.lookup(t, "", "--json", "195303231855", "199001012385", "162021004748")
	require.Equal(t, exitOK, code, errOut)
	assertMasked(t, out)
	// lookupLine is one line of mm lookup --json.
	type lookupLine struct {
		Recipient string `json:"recipient"`
		Digital   bool   `json:"digital"`
		Operator  *struct {
			ID, Name       string
			ServiceAddress string `json:"serviceAddress"`
		} `json:"operator"`
		Reason         string `json:"reason"`
		ReasonText     string `json:"reasonText"`
		AccountType    string `json:"accountType"`
		SenderAccepted bool   `json:"senderAccepted"`
	}
	var got []lookupLine
	// JSON Lines: one object per identity.
	for line := range strings.Lines(out) {
		got = append(got, lookupLine{})
		require.NoError(t, json.Unmarshal([]byte(line), &got[len(got)-1]))
	}
	require.Len(t, got, 3)
	assert.Equal(t, "19530323****", got[0].Recipient)
	assert.True(t, got[0].Digital)
	require.NotNil(t, got[0].Operator)
	assert.Equal(t, "Kivra", got[0].Operator.Name)
	assert.Equal(t, f.infra.OperatorURL("kivra"), got[0].Operator.ServiceAddress)
	assert.Equal(t, "Secure", got[0].AccountType)
	assert.Empty(t, got[0].Reason)

	assert.Equal(t, "19900101****", got[1].Recipient)
	assert.False(t, got[1].Digital)
	assert.Equal(t, "sender-not-accepted", got[1].Reason)
	assert.Equal(t, "the recipient does not accept digital mail from this sender", got[1].ReasonText)
	require.NotNil(t, got[1].Operator, "FaR names the operator even so")
	assert.Equal(t, "Billo", got[1].Operator.Name)
	assert.False(t, got[1].SenderAccepted)

	assert.Equal(t, "162021004748", got[2].Recipient, "organisation numbers are public")
	assert.Equal(t, "no-mailbox", got[2].Reason)
	assert.Equal(t, "Not", got[2].AccountType)
}

// Identities come from arguments, standard input ("-") and --ids, in that
// order; blank lines and comments are skipped.
func TestLookupInputs(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	file := f.file(t, "ids.txt", "# the list\n\n19900101-2385\r\n  000101-2384  \n")
	code, out, errOut := f.lookup(t, "198101052382\n\n# comment\n", "--ids", file, "530323-1855", "-")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 4, out)
	for k, prefix := range []string{"19530323****  digital", "19810105****  paper", "19900101****  paper", "20000101****  paper"} {
		assert.True(t, strings.HasPrefix(lines[k], prefix), "line %d: %s", k+1, lines[k])
	}
}

// Lines that are not identities are all reported, by source and line, and
// nothing is looked up.
func TestLookupBadLines(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	file := f.file(t, "ids.txt", "195303231855\n\n19530323-1856\n198101052382\nkalle anka\n")
	code, out, errOut := f.lookup(t, "1981-01-05\n", "--ids", file, "19530323", "-")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "mm lookup: argument 1: invalid identity number: has 8 digits, want 10 or 12\n")
	assert.Contains(t, errOut, "mm lookup: stdin:1: invalid identity number")
	assert.Contains(t, errOut, "mm lookup: "+file+":3: invalid identity number: check digit does not match (Luhn)\n")
	assert.Contains(t, errOut, "mm lookup: "+file+":5: invalid identity number: unexpected character 'k'\n")
	assert.NotContains(t, errOut, file+":1:", "line 1 of the file is fine")
	assert.Contains(t, errOut, "nothing was looked up")
	assert.NotContains(t, errOut, "195303231856", "a mistyped number is still personal data")
	assert.Equal(t, 0, f.infra.Requests(fakeinfra.EndpointRecipient))
}

// FaR's failure is the command's: exit 1, the reason on stderr, nothing on
// stdout.
func TestLookupFailure(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	f.infra.Inject(fakeinfra.SOAPFault(fakeinfra.EndpointRecipient, 5001))
	code, out, errOut := f.lookup(t, "", "195303231855")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "far: isReachable:")
	assert.Contains(t, errOut, "soap fault 5001")
	assert.Equal(t, 1, f.infra.Requests(fakeinfra.EndpointRecipient))
}

// --far accepts the Recipient v3 URL itself; an intermediary asks for the
// senders it may act for, and FaR refuses the others.
func TestLookupFarURLAndIntermediary(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	_, err := f.infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	_, err = f.infra.AddIntermediary("165566778899", "Förmedlare AB", "165590030002")
	require.NoError(t, err)
	chain, key := f.orgPEM(t, "165566778899", "Förmedlare AB")
	conn := []string{"lookup", "--far", f.infra.FaR().Recipient, "--ca", f.ca, "--cert-pem", chain, "--key-pem", key}

	code, out, errOut := mm(t, "", append(conn, "--sender", "559003-0002", "195303231855")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "19530323****  digital  Kivra")
	assert.Contains(t, errOut, "for sender 165590030002")

	code, _, errOut = mm(t, "", append(conn, "195303231855")...)
	assert.Equal(t, exitFailed, code, "the certificate's own organisation is no registered sender's")
	assert.Contains(t, errOut, "soap fault 5002")
}

// The certificate as PKCS#12, its password from the environment variable
// --password-env names. Not parallel: it sets the environment.
func TestLookupPKCS12(t *testing.T) {
	f := newLookupFake(t)
	leaf, err := f.infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)
	chain := leaf.Signer.Chain()
	p12, err := pkcs12.Modern.Encode(leaf.Signer.TLSCertificate().PrivateKey, chain[0], chain[1:], "hemligt")
	require.NoError(t, err)
	file := f.file(t, "kommun.p12", string(p12))
	t.Setenv("MM_LOOKUP_TEST_PASSWORD", "hemligt")
	base := []string{"lookup", "--far", f.infra.FaR().Recipient, "--ca", f.ca, "--cert", file}

	code, out, errOut := mm(t, "", append(base, "--password-env", "MM_LOOKUP_TEST_PASSWORD", "198101052382")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "19810105****  paper    the recipient has no digital mailbox\n", out)

	code, _, errOut = mm(t, "", append(base, "--password-env", "MM_LOOKUP_TEST_UNSET", "198101052382")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "MM_LOOKUP_TEST_UNSET is not set")
	assert.Equal(t, 1, f.infra.Requests(fakeinfra.EndpointRecipient))
}

func TestLookupUsageErrors(t *testing.T) {
	t.Parallel()
	f := newLookupFake(t)
	chain, key := f.conn[5], f.conn[7]
	other, err := testpki.NewCA("another CA")
	require.NoError(t, err)
	otherCA := f.file(t, "other-ca.pem", string(other.PEM()))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no identities", []string{"lookup", "--env", "test", "--cert-pem", chain, "--key-pem", key}, exitUsage, "no identities"},
		{"nowhere", []string{"lookup", "--cert-pem", chain, "--key-pem", key, "195303231855"}, exitUsage, "where is FaR?"},
		{"unknown env", []string{"lookup", "--env", "staging", "--cert-pem", chain, "--key-pem", key, "195303231855"}, exitUsage, `--env "staging"`},
		{"far and env", []string{"lookup", "--env", "test", "--far", "https://far.example", "195303231855"}, exitUsage, "not both"},
		{"http far", []string{"lookup", "--far", "http://far.example", "--cert-pem", chain, "--key-pem", key, "195303231855"}, exitUsage, "is not an https URL"},
		{"no certificate", []string{"lookup", "--env", "test", "195303231855"}, exitUsage, "no certificate"},
		{"key without certificate", []string{"lookup", "--env", "test", "--key-pem", key, "195303231855"}, exitUsage, "go together"},
		{"missing ca file", []string{"lookup", "--env", "test", "--cert-pem", chain, "--key-pem", key, "--ca", "/nonexistent/ca.pem", "195303231855"}, exitUsage, "no such file"},
		{"bad sender", []string{"lookup", "--env", "test", "--cert-pem", chain, "--key-pem", key, "--sender", "195303231855", "198101052382"}, exitUsage, "--sender"},
		{"unknown flag", []string{"lookup", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{"missing ids file", append(append([]string{"lookup"}, f.conn...), "--ids", "/nonexistent/ids.txt"), exitUsage, "--ids: open /nonexistent/ids.txt"},
		{"server not trusted", []string{"lookup", "--far", f.conn[1], "--ca", otherCA, "--cert-pem", chain, "--key-pem", key, "195303231855"}, exitTrouble, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := mm(t, "", tt.args...)
			assert.Equal(t, tt.code, code, errOut)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tt.want)
			assert.NotContains(t, errOut, "195303231855")
		})
	}
	assert.Equal(t, 0, f.infra.Requests(fakeinfra.EndpointRecipient), "the untrusted server is refused at the handshake")
	code, out, _ := mm(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "lookup")
}
