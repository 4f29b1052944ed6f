package conformance

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Schema files, relative to the contracts directory.
const (
	ServiceXSD      = "schema/v3/Service.xsd"
	RecipientV3XSD  = "schema/v3/Recipient.xsd"
	CommonV3XSD     = "schema/v3/Common.xsd"
	NotificationXSD = "schema/v3/Notification.xsd"
	MessageV3XSD    = "schema/v3/Message.xsd"
)

// Required reports whether conformance checks must run (MM_CONFORMANCE=require).
func Required() bool { return os.Getenv("MM_CONFORMANCE") == "require" }

// unavailable skips the test, or fails it when checks are required.
func unavailable(t testing.TB, what string) {
	t.Helper()
	if Required() {
		t.Fatalf("conformance check needs %s (MM_CONFORMANCE=require)", what)
	}
	t.Skipf("conformance check skipped: %s is missing (set MM_CONFORMANCE=require to fail instead)", what)
}

var (
	sharedOnce sync.Once
	sharedDir  string
)

// SharedDir returns the ../shared directory beside the module root.
func SharedDir(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				cand := filepath.Join(dir, "..", "shared")
				if _, err := os.Stat(filepath.Join(cand, "contracts")); err == nil {
					sharedDir = cand
				}
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	if sharedDir == "" {
		unavailable(t, "../shared (the contracts beside the module)")
	}
	return sharedDir
}

// Contracts returns the directory of the official WSDL and XSD.
func Contracts(t testing.TB) string {
	return filepath.Join(SharedDir(t), "contracts", "minameddelanden")
}

// Sample returns the content of a real answer in ../shared/contracts/samples.
func Sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(SharedDir(t), "contracts", "samples", name))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	return b
}

// Tool returns the path of an outside program, skipping or failing when it
// is missing.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		unavailable(t, name)
	}
	return p
}

// ValidateXSD validates doc against the schema file xsd (relative to the
// contracts directory, or absolute) with xmllint, and fails the test with xmllint's
// report when it is not valid.
func ValidateXSD(t testing.TB, xsd string, doc []byte) {
	t.Helper()
	if err := CheckXSD(t, xsd, doc); err != nil {
		t.Fatalf("document does not validate against %s:\n%v\ndocument (first 2000 bytes):\n%s", xsd, err, head(doc, 2000))
	}
}

// CheckXSD is ValidateXSD returning the failure instead of failing the
// test. xsd is relative to the contracts directory, or an absolute path.
func CheckXSD(t testing.TB, xsd string, doc []byte) error {
	t.Helper()
	xmllint := Tool(t, "xmllint")
	schema := xsd
	if !filepath.IsAbs(xsd) {
		schema = filepath.Join(Contracts(t), xsd)
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, f)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return &ToolError{Tool: "xmllint", Output: out.String(), Err: err}
	}
	return nil
}

// ToolError is an outside program's refusal, with what it printed.
type ToolError struct {
	Tool   string
	Output string
	Err    error
}

func (e *ToolError) Error() string { return e.Tool + ": " + e.Err.Error() + "\n" + e.Output }

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
