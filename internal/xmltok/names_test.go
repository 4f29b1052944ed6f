package xmltok

import (
	"encoding/xml"
	"io"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestNameTablesMatchEncodingXML checks names_table.go against the
// encoding/xml it was generated from: if a Go release changed the name
// rules, xmltok could accept a name encoding/xml refuses.
func TestNameTablesMatchEncodingXML(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("probes every code point")
	}
	e := xml.NewEncoder(io.Discard)
	var bad []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		start := e.EncodeToken(xml.ProcInst{Target: string(r)}) == nil
		char := e.EncodeToken(xml.ProcInst{Target: "a" + string(r)}) == nil
		if start != validName([]byte(string(r))) || char != validName([]byte("a"+string(r))) {
			bad = append(bad, r)
		}
	}
	assert.Empty(t, bad, "regenerate with: go run gen_names.go")
}

func TestScanName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		end  int
		want bool
	}{
		{"abc>", 3, true},
		{"a-b.c_d:e1 x", 10, true},
		{"_x/", 2, true},
		{":x=", 2, true},
		{"1a>", 2, false},
		{"-a>", 2, false},
		{".a>", 2, false},
		{">", 0, false},
		{"", 0, false},
		{"år=", 3, true},
		{"a\u0300>", 3, true},      // a combining mark continues a name
		{"\u0300a>", 3, false},     // but cannot start one
		{"a\u00d7b>", 4, false},    // × is no name character
		{"a\xffb>", 3, false},      // invalid UTF-8
		{"日本語 ", 9, true},          // ideographs
		{"a\u2028b>", 5, false},    // line separator
		{"\U00010000a>", 5, false}, // Appendix B has nothing outside the BMP
	}
	for _, tt := range tests {
		end, ok := scanName([]byte(tt.in), 0)
		assert.Equal(t, tt.end, end, "%q", tt.in)
		assert.Equal(t, tt.want, ok, "%q", tt.in)
	}
}
