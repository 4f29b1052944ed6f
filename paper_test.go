package mm

import (
	"context"
	"errors"
	"testing"

	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaperFunc(t *testing.T) {
	t.Parallel()
	type key struct{}
	boom := errors.New("printer on fire")
	var got struct {
		ctxValue any
		m        *message.Message
		why      message.PaperReason
	}
	var pm PaperMail = PaperFunc(func(ctx context.Context, m *message.Message, why message.PaperReason) error {
		got.ctxValue, got.m, got.why = ctx.Value(key{}), m, why
		return boom
	})
	m := &message.Message{ID: "x"}
	err := pm.SendPaper(context.WithValue(context.Background(), key{}, "v"), m, message.PaperClassPolicy)
	assert.ErrorIs(t, err, boom)
	require.NotNil(t, got.m)
	assert.Same(t, m, got.m)
	assert.Equal(t, "v", got.ctxValue)
	assert.Equal(t, message.PaperClassPolicy, got.why)
}
