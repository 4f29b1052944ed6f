package message

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPaperReasonString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason PaperReason
		word   string
		text   string
	}{
		{PaperNoMailbox, "no-mailbox", "the recipient has no digital mailbox"},
		{PaperSenderNotAccepted, "sender-not-accepted", "the recipient does not accept digital mail from this sender"},
		{PaperAccountPending, "pending", "the recipient's mailbox account is not yet active"},
		{PaperNoUsableAddress, "no-usable-address", "the mailbox operator has no usable address"},
		{PaperOperatorDeclined, "operator-declined", "the mailbox operator declined the delivery"},
		{PaperClassPolicy, "class-policy", "the sender sends this protection class by paper"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.word, string(tt.reason))
			assert.Equal(t, tt.text, tt.reason.String())
			assert.True(t, tt.reason.Valid())
		})
	}
	assert.False(t, PaperReason("lost").Valid())
	assert.Equal(t, `unknown paper reason "lost"`, PaperReason("lost").String())
	assert.False(t, PaperReason("").Valid())
}
