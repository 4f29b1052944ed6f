package sign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/avsandare/mm/message"
)

// benchSizes are raw attachment sizes. "1.5MiB" is 1.5 MiB less 4 KiB, the
// largest round size whose SecureMessage fits the 2 MB limit once the
// attachment is base64-encoded.
var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"1.5MiB", 3<<19 - 4<<10}}

func benchDelivery(n int) *message.Delivery {
	m := testMessage()
	m.Attachments[0].Data = bytes.Repeat([]byte{'%', 'P', 'D', 'F'}, n/4+1)[:n]
	return message.NewDelivery(testSender(), m)
}

// BenchmarkSignDelivery validates, writes, digests and signs a delivery.
func BenchmarkSignDelivery(b *testing.B) {
	c := testCreds(b)
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			d := benchDelivery(size.n)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.sender.SignDelivery(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSeal(b *testing.B) {
	c := testCreds(b)
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			signed, err := c.sender.SignDelivery(benchDelivery(size.n))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.sender.Seal(signed, verifyAt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify verifies both levels of a sealed delivery in its wire
// form, as an operator receives it.
func BenchmarkVerify(b *testing.B) {
	c := testCreds(b)
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			signed, err := c.sender.SignDelivery(benchDelivery(size.n))
			if err != nil {
				b.Fatal(err)
			}
			sealed, err := c.sender.Seal(signed, verifyAt)
			if err != nil {
				b.Fatal(err)
			}
			body, err := AppendDeliverSecure(nil, sealed)
			if err != nil {
				b.Fatal(err)
			}
			o := opts(c)
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(body, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRSA2048Sign is the floor for signing a small delivery: one bare
// RSA-2048 PKCS#1 v1.5 signature over SHA-256, measured in the same run.
func BenchmarkRSA2048Sign(b *testing.B) {
	c := testCreds(b)
	key := c.sender.key.(*rsa.PrivateKey)
	sum := sha256.Sum256([]byte("x"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := key.Sign(rand.Reader, sum[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXmlsec1 signs and verifies the same documents with libxmlsec1
// (the xmlsec1 command, C), for comparison. Each iteration runs the command
// with --repeat so that process start-up is spread thin; the metric
// ns/xmlsec1-op is the time per signing or verification it reports.
func BenchmarkXmlsec1(b *testing.B) {
	xmlsec, err := exec.LookPath("xmlsec1")
	if err != nil {
		b.Skip("xmlsec1 not installed")
	}
	c := testCreds(b)
	const repeat = 20
	executed := regexp.MustCompile(`Executed (\d+) tests in ([0-9.]+) msec`)
	for _, size := range benchSizes {
		dir := b.TempDir()
		unsigned, err := benchDelivery(size.n).MarshalSignedDelivery()
		if err != nil {
			b.Fatal(err)
		}
		tmpl := withTemplate(b, unsigned, sigTemplate(AlgRSASHA256, AlgSHA256, c.sender.subject))
		signed, err := c.sender.SignDelivery(benchDelivery(size.n))
		if err != nil {
			b.Fatal(err)
		}
		files := map[string][]byte{"tmpl.xml": tmpl, "signed.xml": signed, "ca.pem": c.caPEM}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		key, cert := filepath.Join(c.dir, "sender.key"), filepath.Join(c.dir, "sender.pem")
		ops := map[string][]string{
			"sign":   {"--sign", "--repeat", strconv.Itoa(repeat), "--privkey-pem", key + "," + cert, "--output", filepath.Join(dir, "out.xml"), filepath.Join(dir, "tmpl.xml")},
			"verify": {"--verify", "--repeat", strconv.Itoa(repeat), "--trusted-pem", filepath.Join(dir, "ca.pem"), filepath.Join(dir, "signed.xml")},
		}
		for _, op := range []string{"sign", "verify"} {
			b.Run(op+"/"+size.name, func(b *testing.B) {
				var total float64
				var count int
				for b.Loop() {
					out, err := exec.Command(xmlsec, ops[op]...).CombinedOutput()
					if err != nil {
						b.Fatalf("xmlsec1: %v\n%s", err, out)
					}
					m := executed.FindSubmatch(out)
					if m == nil {
						b.Fatalf("no timing in xmlsec1 output:\n%s", out)
					}
					n, _ := strconv.Atoi(string(m[1]))
					ms, _ := strconv.ParseFloat(string(m[2]), 64)
					total += ms * 1e6
					count += n
				}
				b.ReportMetric(total/float64(count), "ns/xmlsec1-op")
			})
		}
	}
}

// BenchmarkVerifyAttributes verifies a sealed delivery in a SOAP envelope
// whose Header carries one element with 1k, 10k or 100k attributes — no
// key needed to add them. "limit" refuses them at the default limit of 256
// per element; "lifted" raises the limit and verifies the whole document,
// showing the cost per attribute flat (ns/attr).
func BenchmarkVerifyAttributes(b *testing.B) {
	c := testCreds(b)
	_, sealed := signedAndSealed(b, c)
	body, err := AppendDeliverSecure(nil, sealed)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		doc := bytes.Replace(soapEnvelope(body), []byte("<Header></Header>"), []byte(`<Header><x xmlns="urn:x"`+numberedAttrs(n)+`/></Header>`), 1)
		for _, lifted := range []bool{false, true} {
			name := fmt.Sprintf("%d/limit", n)
			o := opts(c)
			if lifted {
				name = fmt.Sprintf("%d/lifted", n)
				o.Limits.MaxAttrs = n + 1
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_, err := Verify(doc, o)
					if lifted != (err == nil) {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/attr")
			})
		}
	}
}
