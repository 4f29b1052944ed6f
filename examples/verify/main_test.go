package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyMakesAndChecksAProof(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(nil, &out))
	s := out.String()
	assert.Contains(t, s, "saved a proof to proof.json")
	assert.Contains(t, s, "to 19530323****: delivered at Billo")
	assert.Contains(t, s, "seal signature by 162021004748: valid")
	assert.Contains(t, s, "sender signature by 162021004748: valid")
}

func TestVerifyRefusesATamperedProof(t *testing.T) {
	dir := t.TempDir()
	proofFile, caFile, err := deliverAndSave(dir)
	require.NoError(t, err)
	b, err := os.ReadFile(proofFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(proofFile, bytes.Replace(b, []byte(`"state": "delivered"`), []byte(`"state": "declined"`), 1), 0o600))
	err = run([]string{proofFile, caFile}, &bytes.Buffer{})
	assert.ErrorContains(t, err, "does not hold together")
	assert.Error(t, run([]string{filepath.Join(dir, "missing.json"), caFile}, &bytes.Buffer{}))
	assert.ErrorContains(t, run([]string{"one"}, &bytes.Buffer{}), "usage")
}
