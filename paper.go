package mm

import (
	"context"

	"github.com/avsandare/mm/message"
)

// PaperMail sends a message by paper when it cannot, or may not, go
// digitally. The Sender calls it with the reason; an implementation hands
// the message to the agency's print provider. It must be idempotent by
// message ID: a resumed mailing may call it again for a message already
// handed over, and the recipient must get one letter.
type PaperMail interface {
	SendPaper(ctx context.Context, m *message.Message, why message.PaperReason) error
}

// PaperFunc adapts a function to PaperMail.
type PaperFunc func(ctx context.Context, m *message.Message, why message.PaperReason) error

// SendPaper calls f.
func (f PaperFunc) SendPaper(ctx context.Context, m *message.Message, why message.PaperReason) error {
	return f(ctx, m, why)
}
