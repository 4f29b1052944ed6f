package conformance

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// XPath evaluates the XPath 1.0 expression expr on doc with xmllint
// (libxml2, an XML reader independent of the SDK) and returns what it
// prints for the result, such as the value of string(…) or count(…).
func XPath(t testing.TB, doc []byte, expr string) (string, error) {
	t.Helper()
	xmllint := Tool(t, "xmllint")
	f := filepath.Join(t.TempDir(), "doc.xml")
	write(t, f, doc)
	cmd := exec.Command(xmllint, "--nonet", "--xpath", expr, f)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", &ToolError{Tool: "xmllint", Output: errOut.String(), Err: err}
	}
	return strings.TrimSuffix(out.String(), "\n"), nil
}

// Elem is an XPath step selecting child elements by namespace and local
// name, whatever prefix the document gives them.
func Elem(ns, local string) string {
	return "*[local-name()='" + local + "' and namespace-uri()='" + ns + "']"
}
