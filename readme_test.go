package mm_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's code sample is ExampleSender_Send's code, so that what
// newcomers copy compiles and runs.
func TestReadmeSampleIsTheExample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	const marker = "## Sending a message"
	s := string(readme)
	i := strings.Index(s, marker)
	require.Positive(t, i)
	s = s[i:]
	start := strings.Index(s, "```go\n") + len("```go\n")
	end := strings.Index(s[start:], "```")
	require.Positive(t, end)
	sample := normalize(s[start : start+end])

	example, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	assert.Contains(t, normalize(string(example)), sample)
	assert.LessOrEqual(t, strings.Count(sample, "\n"), 16, "a short sample")
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
