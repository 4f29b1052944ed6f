package mm_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's code samples are the examples' code, so that what
// newcomers copy compiles and runs: "Sending a message" is
// ExampleSender_Send's, "Sending a mailing" mailing.ExampleSend's,
// "Metrics and traces" Example_telemetry's.
func TestReadmeSamplesAreTheExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, tc := range []struct {
		section, example string
		lines            int
	}{
		{"## Sending a message", "example_test.go", 16},
		{"## Sending a mailing", "mailing/example_test.go", 16},
		{"## Metrics and traces (OpenTelemetry)", "example_telemetry_test.go", 16},
	} {
		s := string(readme)
		i := strings.Index(s, tc.section)
		require.Positive(t, i, tc.section)
		s = s[i:]
		start := strings.Index(s, "```go\n") + len("```go\n")
		end := strings.Index(s[start:], "```")
		require.Positive(t, end, tc.section)
		sample := normalize(s[start : start+end])

		example, err := os.ReadFile(tc.example)
		require.NoError(t, err)
		assert.Contains(t, normalize(string(example)), sample, tc.section)
		assert.LessOrEqual(t, strings.Count(sample, "\n"), tc.lines, "a short sample")
	}
}

// normalize drops indentation and blank lines.
func normalize(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
