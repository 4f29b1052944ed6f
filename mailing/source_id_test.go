package mailing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// derived returns the ID the source gives a line in mailing name.
func derived(t *testing.T, name, text string) string {
	t.Helper()
	l, errs := parseLine(1, []byte(text), testNow)
	require.Empty(t, errs)
	return DeriveID(name, l.canonical())
}

func TestDeriveID(t *testing.T) {
	t.Parallel()
	base := derived(t, "m", `{"to":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"}}`)
	// Pinned: a change here changes the IDs of every mailing being resumed.
	assert.Equal(t, "32899f52-41f2-58dd-afda-cdb7ccd9924b", base)
	u, ok := uuidBytes(base)
	require.True(t, ok)
	assert.Equal(t, byte(0x50), u[6]&0xf0, "version 5")
	assert.Equal(t, byte(0x80), u[8]&0xc0, "RFC 9562 variant")

	same := []string{
		`{ "support" : {"text":"Ring oss"}, "text":"Hej", "subject":"Beslut", "to":"530323-1855", "metadata":[{"tag":"a","value":"1"},{"value":"2","tag":"b"}] }`,
		`{"to":"19530323-1855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"},"class":3}`,
	}
	for _, s := range same {
		assert.Equal(t, base, derived(t, "m", s), s)
	}
	different := []struct{ name, text string }{
		{"m2", `{"to":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"}}`},
		{"m", `{"to":"198101052382","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"}}`},
		{"m", `{"to":"195303231855","subject":"Beslut","text":"Hej!","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"}}`},
		{"m", `{"to":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"b":"2","a":"1"}}`},
		{"m", `{"to":"195303231855","subject":"Beslut","html":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"}}`},
		{"m", `{"to":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"},"metadata":{"a":"1","b":"2"},"class":2}`},
	}
	for _, d := range different {
		assert.NotEqual(t, base, derived(t, d.name, d.text), "%s %s", d.name, d.text)
	}
}

func TestIsUUID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b":   true,
		"3F2B1C9E-8D7A-4E6F-9B5C-1A2D3E4F5A6B":   true,
		"3f2b1c9e8d7a4e6f9b5c1a2d3e4f5a6b":       false,
		"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6":    false,
		"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6g":   false,
		"{3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b}": false,
		"":                                       false,
	} {
		assert.Equal(t, want, isUUID(s), s)
	}
}
