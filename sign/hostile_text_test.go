package sign

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/safetext"
)

// A namespace URI may hold anything XML text may: a carriage return, a
// newline, C1's CSI, a bidirectional override, a personal number. Verify's
// error names the root's namespace, cleaned; so does a parser's error that
// names a tag.
func TestVerifyCleansNamespaceInErrors(t *testing.T) {
	t.Parallel()
	const ns = `urn:x:195303231855&#xD;&#x9B;2Kmm send: message delivered OK&#xA;&#x202E;`
	for _, doc := range []string{
		`<SignedDelivery xmlns="` + ns + `"/>`,
		`<SignedDelivery><a195303231855></b></SignedDelivery>`, // the parser's error names the tags
	} {
		_, err := Verify([]byte(doc), VerifyOptions{})
		require.ErrorIs(t, err, ErrMalformed)
		assert.Equal(t, safetext.Clean(err.Error()), err.Error(), "cleaned")
		assert.NotContains(t, err.Error(), "195303231855")
	}
}
