package main

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	s := out.String()
	assert.Contains(t, s, "receipt for 19530323**** (digital)")
	assert.Contains(t, s, `"state": "delivered"`)
	assert.Contains(t, s, "receipt for 19810105**** (paper)")
	assert.Contains(t, s, `"paperReason": "no-mailbox"`)
	assert.Contains(t, s, "holds 1 message(s)")
	assert.NotContains(t, s, "195303231855")
	dir := regexp.MustCompile(`the paper folder is (\S+)`).FindStringSubmatch(s)
	require.Len(t, dir, 2)
	entries, err := os.ReadDir(dir[1])
	require.NoError(t, err)
	assert.Len(t, entries, 1, "one letter in the paper folder")
	require.NoError(t, os.RemoveAll(dir[1]))
}
