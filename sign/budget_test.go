package sign

import (
	"fmt"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goxmldsig's ValidationContext walks at most 1000 elements looking for the
// signature. In this profile the signature is the root's last child, so a
// delivery with more elements before it — here 400 metadata entries, 1200
// elements — is refused by it as "traversal limit reached". Verify takes the
// signature from its fixed place and only borrows goxmldsig's canonicaliser,
// so such a delivery verifies.
func TestManyElementsBeyondGoxmldsigBudget(t *testing.T) {
	t.Parallel()
	c := testCreds(t)
	m := testMessage()
	for i := range 400 {
		m.Metadata = append(m.Metadata, message.Metadata{Tag: fmt.Sprintf("tag%d", i), Value: "v"})
	}
	signed, err := c.sender.SignDelivery(message.NewDelivery(testSender(), m))
	require.NoError(t, err)

	v, err := Verify(signed, opts(c))
	require.NoError(t, err)
	assert.Len(t, v.Delivery.Messages[0].Metadata, 401)

	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(signed))
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: c.sender.chain})
	ctx.Clock = dsig.NewFakeClockAt(verifyAt)
	_, err = ctx.Validate(doc.Root())
	require.Error(t, err, "goxmldsig's own validation gives up on this document")
	assert.Contains(t, err.Error(), "traversal limit")

	// The same library validates a small delivery: the refusal above is
	// the budget, not a difference of opinion about the signature.
	small, err := c.sender.SignDelivery(testDelivery())
	require.NoError(t, err)
	doc = etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(small))
	_, err = ctx.Validate(doc.Root())
	assert.NoError(t, err)
}
