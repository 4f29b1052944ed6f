package far

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/safetext"
)

// An answer from FaR in a namespace that holds a personal number and a
// line of its own: the error names it cleaned.
func TestAnswerErrorsAreCleaned(t *testing.T) {
	t.Parallel()
	const ns = `urn:x:195303231855&#xD;mm send: message delivered OK&#xA;&#x202E;`
	body := `<S:Envelope xmlns:S="` + soap.NSEnvelope + `"><S:Body><isReachableResponse xmlns="` + ns + `"/></S:Body></S:Envelope>`
	err := readAnswer([]byte(body), func(w *walker, start xml.StartElement) error {
		return decodeIsReachable(w, start, nil, nil)
	})
	require.ErrorIs(t, err, ErrMalformedAnswer)
	assert.Contains(t, err.Error(), "urn:x:19530323****")
	assert.Equal(t, safetext.Clean(err.Error()), err.Error(), "cleaned")
}
