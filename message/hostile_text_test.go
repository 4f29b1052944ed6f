package message

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/safetext"
)

// A signed delivery read in a namespace that holds a personal number and
// a line of its own: the error names it cleaned. A value quoted by a
// validation error is cleaned before it is cut short, so that the cut
// cannot leave most of a number whole.
func TestMessageErrorsAreCleaned(t *testing.T) {
	t.Parallel()
	const ns = `urn:x:195303231855&#xD;mm send: message delivered OK&#xA;&#x202E;`
	_, err := ParseSignedDelivery([]byte(`<SignedDelivery xmlns="` + ns + `"/>`))
	require.Error(t, err)
	assert.Equal(t, safetext.Clean(err.Error()), err.Error(), "cleaned")

	long := make([]byte, maxValueInMessage-12) // the cut falls in the number
	for i := range long {
		long[i] = 'x'
	}
	got := quoteShort(string(long) + " 195303231855\x1b")
	assert.NotContains(t, got, "1953032318")
	assert.NotContains(t, got, "\x1b")
	assert.Equal(t, `"19530323****\\n"`, quoteShort("195303231855\n"))
}
