package receipt

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/safetext"
)

// An operator's answer in a namespace that holds a personal number and a
// line of its own: the error names it cleaned; so does the problem text
// of a receipt built from any error.
func TestReceiptErrorsAreCleaned(t *testing.T) {
	t.Parallel()
	const ns = `urn:x:195303231855&#xD;mm send: message delivered OK&#xA;&#x202E;`
	for _, doc := range []string{
		`<deliverSecureResponse xmlns="` + ns + `"><return/></deliverSecureResponse>`,
		`<deliverSecureResponse xmlns="` + nsSvc3 + `"><a195303231855/></deliverSecureResponse>`,
		`<deliverSecureResponse xmlns="` + nsSvc3 + `"><return><TransId>t</TransId><Status><RecipientId>195303231855</RecipientId>` +
			`<Delivered>195303231855&#xD;mm send: message delivered OK&#xA;</Delivered></Status></return></deliverSecureResponse>`,
	} {
		_, err := ParseDeliverSecureResponse([]byte(doc))
		require.Error(t, err)
		assert.Equal(t, safetext.Clean(err.Error()), err.Error(), "cleaned")
		assert.NotContains(t, err.Error(), "195303231855")
	}

	// A value quoted short is cleaned before the cut, which would
	// otherwise leave eleven digits of this number whole.
	got := short(strings.Repeat("x", 53) + "195303231855")
	assert.NotContains(t, got, "1953032318")
	assert.Contains(t, got, "19530323***")

	r := NewFailed(Attempt{MessageID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b"}, None, errString("operator: 195303231855 \x1b[2K\rmm send: message delivered OK\n"))
	assert.Equal(t, "operator: 19530323**** \uFFFD[2K\\rmm send: message delivered OK\\n", r.Problem)
}

type errString string

func (e errString) Error() string { return string(e) }
