package mm

import (
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// EventKind names a step of sending a message.
type EventKind string

// The steps a Sender reports.
const (
	EventLookedUp  EventKind = "looked-up" // FaR answered
	EventDelivered EventKind = "delivered" // the operator stored it
	EventNotified  EventKind = "notified"  // class 1: the operator stored and notified
	EventDeclined  EventKind = "declined"  // the operator answered Delivered=false
	EventPaper     EventKind = "paper"     // handed to paper mail
	EventFailed    EventKind = "failed"    // not sent; the input or the configuration must change
	EventUnknown   EventKind = "unknown"   // may have landed; send again with the same ID
)

// Event is one step of one message, for metrics. It carries no personal
// data.
type Event struct {
	Kind      EventKind
	MessageID string
	Class     securityclass.Class
	// Operator is the operator's name, for digital steps.
	Operator string
	// PaperReason is set for EventPaper.
	PaperReason message.PaperReason
	// Duration is how long the step took.
	Duration time.Duration
	// Err is set for EventFailed and EventUnknown.
	Err error
}
