package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/avsandare/mm/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var exampleConfig = filepath.Join("..", "..", "fakeinfra", "testdata", "example-config.json")

// lockedBuffer collects what the command writes to stderr while a test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serving is "mm fake serve" running in the test's process.
type serving struct {
	stdout io.Reader
	stderr *lockedBuffer
	stop   func() int // ends the command and returns its exit status
}

// serveFake runs the command in a goroutine, as a process would run it,
// with run standing in for main (fakeCommand with a context the test
// cancels, or runFake listening for signals).
func serveFake(t *testing.T, run func(ctx context.Context, stdout, stderr io.Writer) int) *serving {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stdout: pr, stderr: &lockedBuffer{}}
	codes := make(chan int, 1)
	go func() {
		code := run(ctx, pw, s.stderr)
		pw.Close()
		codes <- code
	}()
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-codes:
			case <-time.After(30 * time.Second):
				t.Errorf("mm fake serve did not stop: %s", s.stderr)
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	return s
}

func serveJSON(t *testing.T, args ...string) (*serving, fakeOut) {
	t.Helper()
	s := serveFake(t, func(ctx context.Context, stdout, stderr io.Writer) int {
		return fakeCommand(ctx, append([]string{"serve", "--json"}, args...), stdout, stderr)
	})
	var out fakeOut
	require.NoError(t, json.NewDecoder(s.stdout).Decode(&out), "stderr: %s", s.stderr)
	return s, out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// identity finds a written identity by role and organisation.
func identity(t *testing.T, out fakeOut, role, org string) fakeIdentity {
	t.Helper()
	for _, id := range out.Identities {
		if id.Role == role && id.Org == org {
			return id
		}
	}
	t.Fatalf("no %s %s in %+v", role, org, out.Identities)
	return fakeIdentity{}
}

// pemClient is an HTTP client made the way an application makes one from
// the written files.
func pemClient(t *testing.T, out fakeOut, id fakeIdentity) *http.Client {
	t.Helper()
	cert, err := soap.CertificateFromPEM(readFile(t, id.Cert), readFile(t, id.Key))
	require.NoError(t, err)
	roots, err := loadRoots("--trust", []string{out.CA})
	require.NoError(t, err)
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: cert, Roots: roots})
	require.NoError(t, err)
	return hc
}

// The example configuration serves: a real lookup with the written
// PKCS#12 file and a real delivery signed with the written PEM files, both
// answered as configured; then the command stops cleanly.
func TestFakeServeExampleConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, out := serveJSON(t, "--config", exampleConfig, "--dir", dir, "--password", "hemligt")
	assert.Equal(t, dir, out.Dir)
	assert.Equal(t, "hemligt", out.Password)
	assert.True(t, strings.HasPrefix(out.FaR.Recipient, "https://127.0.0.1:"), out.FaR.Recipient)
	assert.True(t, strings.HasSuffix(out.FaR.Recipient, "/Recipient/v3"))
	assert.True(t, strings.HasSuffix(out.FaR.Authority, "/Authority"))
	var names []string
	for _, op := range out.Operators {
		names = append(names, op.Name)
		assert.True(t, far.UsableAddress(op.ServiceAddress), op.ServiceAddress)
	}
	assert.Equal(t, []string{"kivra", "minmyndighetspost", "billo", "fortnox"}, names)
	var ids []string
	for _, id := range out.Identities {
		ids = append(ids, id.Role+" "+id.Org)
	}
	assert.Equal(t, []string{"sender 162021004748", "sender 165590030002", "intermediary 165566778899"}, ids)

	// A lookup through the far client with the PKCS#12 file.
	sender := identity(t, out, "sender", "162021004748")
	cert, err := soap.CertificateFromPKCS12(readFile(t, sender.PKCS12), out.Password)
	require.NoError(t, err)
	roots, err := loadRoots("--trust", []string{out.CA})
	require.NoError(t, err)
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: cert, Roots: roots})
	require.NoError(t, err)
	fc, err := far.New(far.Config{
		Endpoints:  far.Endpoints{Recipient: out.FaR.Recipient, Authority: out.FaR.Authority},
		HTTPClient: hc, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	got, err := fc.IsReachable(context.Background(), "162021004748", "195303231855", "198101052382", "199001012385", "200001012384", "165590040001")
	require.NoError(t, err)
	decisions := make([]string, len(got))
	for k, r := range got {
		d := r.Decide()
		decisions[k] = string(d.Reason)
		if d.Digital {
			decisions[k] = d.Operator.Name
		}
	}
	assert.Equal(t, []string{"Kivra", "no-mailbox", "Billo", "Min myndighetspost", "pending"}, decisions)
	assert.Equal(t, far.Anonymous, got[3].Type)
	disp, err := fc.Dispatchers(context.Background())
	require.NoError(t, err)
	require.Len(t, disp, 1)
	assert.True(t, disp[0].MaySignFor("165590030002"))

	// A delivery signed and sealed with the PEM files, posted with net/http.
	signer, err := sign.LoadPEM(readFile(t, sender.Cert), readFile(t, sender.Key))
	require.NoError(t, err)
	m := testDelivery()
	env := sealedEnvelope(t, signer, m)
	pc := pemClient(t, out, sender)
	status, body := postSOAP(t, pc, got[0].Operator.ServiceAddress, env)
	require.Equal(t, http.StatusOK, status, string(body))
	p, err := soap.ReadResponse(body)
	require.NoError(t, err)
	res, err := receipt.DecodeDeliverSecureResponse(p.Decoder, p.Start)
	require.NoError(t, err)
	st, err := res.StatusFor("195303231855")
	require.NoError(t, err)
	assert.True(t, st.Delivered)

	// The configured faults are in force: Fortnox is down.
	status, body = postSOAP(t, pc, out.Operators[3].ServiceAddress, env)
	assert.Equal(t, http.StatusServiceUnavailable, status, string(body))

	// A timeout fault holds its call; stopping the server breaks it off
	// instead of waiting for it.
	held := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, out.Operators[1].ServiceAddress, bytes.NewReader(env))
		req.Header.Set("Content-Type", soap.ContentType)
		resp, err := pc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	assert.Equal(t, exitOK, s.stop())
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Error(t, <-held, "the held call is broken off")
	assert.Contains(t, s.stderr.String(), "stopped")
	_, err = fc.IsReachable(context.Background(), "162021004748", "195303231855")
	assert.Error(t, err, "nothing answers after the stop")
}

func sealedEnvelope(t *testing.T, s *sign.Signer, d *message.Delivery) []byte {
	t.Helper()
	signed, err := s.SignDelivery(d)
	require.NoError(t, err)
	sealed, err := s.Seal(signed, time.Now())
	require.NoError(t, err)
	req, err := sign.DeliverSecureRequest(sealed)
	require.NoError(t, err)
	return req
}

func postSOAP(t *testing.T, c *http.Client, url string, env []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(env))
	require.NoError(t, err)
	req.Header.Set("Content-Type", soap.ContentType)
	req.Header.Set("SOAPAction", `""`)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// The PKCS#12 files load with the SDK and with OpenSSL, and hold the
// certificate of the PEM file; the random password is printed.
func TestFakeServeWritesLoadableCredentials(t *testing.T) {
	t.Parallel()
	openssl := conformance.Tool(t, "openssl")
	_, out := serveJSON(t, "--config", exampleConfig, "--dir", t.TempDir())
	require.Len(t, out.Password, 26, "a random password, printed")
	for _, id := range out.Identities {
		fromPEM, err := sign.LoadPEM(readFile(t, id.Cert), readFile(t, id.Key))
		require.NoError(t, err, id.Cert)
		fromP12, err := sign.LoadPKCS12(readFile(t, id.PKCS12), out.Password)
		require.NoError(t, err, id.PKCS12)
		assert.Equal(t, message.OrgNumber(id.Org), fromP12.OrgNumber())
		assert.True(t, fromPEM.Certificate().Equal(fromP12.Certificate()))
		assert.Len(t, fromP12.Chain(), 2, "the certificate and the CA")

		cmd := exec.Command(openssl, "pkcs12", "-in", id.PKCS12, "-passin", "pass:"+out.Password, "-nokeys", "-clcerts")
		pemOut, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", pemOut)
		certs, err := sign.ParseCertificatesPEM(pemOut)
		require.NoError(t, err)
		require.Len(t, certs, 1)
		assert.True(t, certs[0].Equal(fromPEM.Certificate()), "openssl reads the same certificate")
		cmd = exec.Command(openssl, "pkcs12", "-in", id.PKCS12, "-passin", "pass:wrong", "-noout")
		assert.Error(t, cmd.Run(), "the password protects the file")
	}
	info, err := os.Stat(identity(t, out, "sender", "162021004748").Key)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "keys are private")
}

// Text output names every endpoint and file; without --dir the files go
// to a temporary directory that is removed on exit. SIGTERM stops it.
func TestFakeServeTextAndSignal(t *testing.T) {
	s := serveFake(t, func(_ context.Context, stdout, stderr io.Writer) int {
		return runFake([]string{"serve"}, nil, stdout, stderr)
	})
	out := readFakeText(s)
	for _, want := range []string{"Recipient v3  https://127.0.0.1:", "/Recipient/v3\n", "/Authority\n", "kivra ", "fortnox ", "/service/v3\n", "ca.pem", "sender 162021004748 Kommun A", "sender-162021004748.pem", "sender-162021004748.key", "sender-162021004748.p12"} {
		assert.Contains(t, out, want)
	}
	dir := strings.TrimSpace(strings.TrimPrefix(lineWith(out, "Files in "), "Files in "))
	require.DirExists(t, dir)
	assert.FileExists(t, filepath.Join(dir, "ca.pem"))

	require.Eventually(t, func() bool { return strings.Contains(s.stderr.String(), "serving") }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	codes := make(chan int, 1)
	go func() { codes <- s.stop() }()
	select {
	case code := <-codes:
		assert.Equal(t, exitOK, code)
	case <-time.After(30 * time.Second):
		t.Fatal("SIGTERM did not stop mm fake serve")
	}
	assert.NoDirExists(t, dir, "the temporary directory is removed")
}

// readFakeText reads mm fake serve's text output, through its last line.
func readFakeText(s *serving) string {
	var text strings.Builder
	sc := bufio.NewScanner(s.stdout)
	for sc.Scan() {
		text.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "  PKCS#12 password: ") {
			break
		}
	}
	return text.String()
}

// runMM runs the command line as main does.
func runMM(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func lineWith(text, prefix string) string {
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// --listen puts FaR on the port given and the operators on the ports
// after it.
func TestFakeServeListen(t *testing.T) {
	t.Parallel()
	port := freePorts(t, 5)
	_, out := serveJSON(t, "--listen", "127.0.0.1:"+strconv.Itoa(port), "--dir", t.TempDir())
	assert.Equal(t, "https://127.0.0.1:"+strconv.Itoa(port)+"/Recipient/v3", out.FaR.Recipient)
	for k, op := range out.Operators {
		assert.Equal(t, "https://127.0.0.1:"+strconv.Itoa(port+k+1)+"/service/v3", op.ServiceAddress)
	}
}

// freePorts finds n consecutive free loopback ports and returns the first.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		first := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if first+n > 65535 {
			continue
		}
		ok := true
		for k := 1; k < n && ok; k++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(first+k))
			if ok = err == nil; ok {
				l.Close()
			}
		}
		if ok {
			return first
		}
	}
	t.Fatal("no free consecutive ports")
	return 0
}

// Mistakes are reported with the JSON path at fault, and nothing serves.
func TestFakeServeRefusesBadInput(t *testing.T) {
	t.Parallel()
	write := func(content string) string {
		f := filepath.Join(t.TempDir(), "config.json")
		require.NoError(t, os.WriteFile(f, []byte(content), 0o600))
		return f
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown field", []string{"--config", write(`{"recipients": [{"id": "195303231855", "mailbx": "kivra"}]}`)}, exitUsage, `recipients[0].mailbx: unknown field`},
		{"unknown operator", []string{"--config", write(`{"recipients": [{"id": "195303231855"}, {"id": "198101052382", "mailbox": "kivr"}]}`)}, exitUsage, `recipients[1].mailbox: no operator "kivr"`},
		{"wrong type", []string{"--config", write(`{"faults": [{"target": "far/recipient", "kind": "soap-fault", "code": "5006"}]}`)}, exitUsage, `faults[0].code: want a whole number`},
		{"syntax", []string{"--config", write("{\n  \"seed\": 1,\n}")}, exitUsage, `line 3, column 1`},
		{"missing file", []string{"--config", filepath.Join(t.TempDir(), "none.json")}, exitUsage, `none.json`},
		{"not loopback", []string{"--listen", "192.0.2.1:8443"}, exitTrouble, `host must be localhost, 127.0.0.1 or ::1`},
		{"stray argument", []string{"extra"}, exitUsage, `mm fake serve: unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runMM(append([]string{"fake", "serve"}, tc.args...)...)
			assert.Equal(t, tc.code, code, errOut)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
	code, _, errOut := runMM("fake")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "mm fake: a subcommand is needed: serve")
	code, _, errOut = runMM("fake", "start")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown command "start" for "mm fake"`)
}
