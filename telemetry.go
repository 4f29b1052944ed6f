package mm

import (
	"errors"

	"github.com/avsandare/mm/internal/telemetry"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// outcomeOf is where Send left m, for the settled counter: the receipt's
// channel and state in the words a mailing journal uses (a paper letter
// after a decline is declined-then-paper), and the operator that answered.
func outcomeOf(m *message.Message, r *receipt.Receipt, err error) telemetry.Outcome {
	o := telemetry.Outcome{Channel: string(receipt.None), Class: int(m.Class.OrDefault())}
	if r != nil {
		o.Channel, o.Operator = string(r.Channel), r.Operator.Name
	}
	switch {
	case errors.Is(err, ErrMaybeDelivered):
		o.State = telemetry.StateUnknown
	case err != nil:
		o.State = telemetry.StateFailed
	case r.State == receipt.StatePaper && r.PaperReason == message.PaperOperatorDeclined:
		o.State = telemetry.StateDeclinedThenPaper
	case r.State == receipt.StatePaper:
		o.State = telemetry.StatePaper
	default:
		o.State = string(r.State)
	}
	return o
}
