package mm

import (
	"context"
	"errors"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		{PaperNoOperatorAddress, "no-usable-address", "the mailbox operator has no usable address"},
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

func TestPaperFunc(t *testing.T) {
	t.Parallel()
	type key struct{}
	boom := errors.New("printer on fire")
	var got struct {
		ctxValue any
		m        *message.Message
		why      PaperReason
	}
	var pm PaperMail = PaperFunc(func(ctx context.Context, m *message.Message, why PaperReason) error {
		got.ctxValue, got.m, got.why = ctx.Value(key{}), m, why
		return boom
	})
	m := &message.Message{ID: "x"}
	err := pm.SendPaper(context.WithValue(context.Background(), key{}, "v"), m, PaperClassPolicy)
	assert.ErrorIs(t, err, boom)
	require.NotNil(t, got.m)
	assert.Same(t, m, got.m)
	assert.Equal(t, "v", got.ctxValue)
	assert.Equal(t, PaperClassPolicy, got.why)
}
