package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntermediary(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	assert.Equal(t, "19530323**** from Kommun A: delivered at Kivra\n"+
		"19810105**** from Kommun B: delivered at Kivra\n"+
		"stored at kivra: sender 162021004748, signed by 162021004748, sealed by 165566778899\n"+
		"stored at kivra: sender 165590030002, signed by 165590030002, sealed by 165566778899\n", out.String())
}
