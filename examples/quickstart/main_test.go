package main

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRuns(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	runErr := run()
	os.Stdout = stdout
	require.NoError(t, w.Close())
	out, _ := io.ReadAll(r)
	require.NoError(t, runErr)
	assert.Contains(t, string(out), "to 19530323****")
	assert.Contains(t, string(out), "Support.Text: required")
	assert.True(t, bytes.Contains(out, []byte(`<SignedDelivery xmlns="http://minameddelanden.gov.se/schema/Message/v3">`)))
}
