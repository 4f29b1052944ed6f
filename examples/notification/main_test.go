package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotification(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	assert.Equal(t, "19530323****: delivered via notification at Min myndighetspost, notified by [EMail]\n"+
		"notice by EMail: \"Du har fått ett meddelande i din digitala brevlåda.\"\n", out.String())
}
