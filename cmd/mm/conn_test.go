package main

import (
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Operators on loopback — a fake's — are refused unless
// --allow-local-network allows them; the flag takes a network or one
// address, and nothing else.
func TestSendAllowLocalNetwork(t *testing.T) {
	t.Parallel()
	infra, conn := fakeFlags(t)
	require.NoError(t, infra.AddRecipient("195303231855", fakeinfra.Mailbox("kivra")))
	// fakeFlags allows the fake's loopback address: leave that out.
	require.Equal(t, "--allow-local-network", conn[len(conn)-2])
	conn = conn[:len(conn)-2]
	msg := []string{"send", "--to", "195303231855", "--subject", "Beslut", "--text", "Hej", "--support-text", "Ring oss"}

	code, out, errOut := mm(t, "", append(msg, conn...)...)
	assert.Equal(t, exitFailed, code, out+errOut)
	assert.Contains(t, out+errOut, "127.0.0.1 is a loopback address")
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))

	for _, allow := range []string{"127.0.0.1", "127.0.0.0/8"} {
		code, out, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", allow)...)
		require.Equal(t, exitOK, code, "%s: %s%s", allow, out, errOut)
		assert.Contains(t, out, "delivered via digital at Kivra")
	}
	// Another network does not help.
	code, out, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", "10.0.0.0/8")...)
	assert.Equal(t, exitFailed, code, out+errOut)

	code, _, errOut = mm(t, "", append(append(msg, conn...), "--allow-local-network", "localhost")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `"localhost" is neither a network (127.0.0.1/32) nor an address`)
}
