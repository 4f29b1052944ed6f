package journal

import "fmt"

// State is where one message of a mailing stands. The values are stable
// words: they are stored in journals and read back by later versions.
type State string

// The states of a message. See the package documentation for the diagram.
const (
	// Queued: the message is known and nothing external has been done.
	Queued State = "queued"
	// LookedUp: FaR has answered and the channel is chosen (Channel,
	// Operator, or PaperReason). Nothing has been sent.
	LookedUp State = "looked-up"
	// Sending: a request may be on the wire — to the operator (Channel
	// digital or notification) or to paper mail (Channel paper). Recorded
	// before the request leaves, so that a crash leaves a trace.
	Sending State = "sending"
	// Delivered: the operator answered that the message is in the mailbox.
	Delivered State = "delivered"
	// DeclinedThenPaper: the operator answered Delivered=false, and the
	// message was then handed to paper mail.
	DeclinedThenPaper State = "declined-then-paper"
	// Paper: the message was handed to paper mail (PaperReason says why).
	Paper State = "paper"
	// Failed: nothing landed and nothing will as the input stands — it was
	// refused before sending, or the first attempt met an application
	// fault. Error says why.
	Failed State = "failed"
	// Unknown: a request may have landed but no readable answer came (a
	// timeout, a reset, a crash while Sending). It is never reported as
	// failed: the message is re-sent with the same ID, which operators
	// deduplicate, until an answer settles it.
	Unknown State = "unknown"
)

// States returns every state, in the order of the diagram.
func States() []State {
	return []State{Queued, LookedUp, Sending, Delivered, DeclinedThenPaper, Paper, Failed, Unknown}
}

// Valid reports whether s is one of the states.
func (s State) Valid() bool {
	switch s {
	case Queued, LookedUp, Sending, Delivered, DeclinedThenPaper, Paper, Failed, Unknown:
		return true
	}
	return false
}

// Terminal reports whether a resumed mailing leaves an entry in state s
// alone. Failed is terminal too — re-sending unchanged input fails again —
// but it is the one terminal state with an exit: a deliberate requeue
// (Failed → Queued) once the cause is fixed, safe because nothing landed.
func (s State) Terminal() bool {
	switch s {
	case Delivered, DeclinedThenPaper, Paper, Failed:
		return true
	}
	return false
}

// Resume is what a restarted mailing does with an entry.
type Resume int

// The actions of a restart, by state (see [State.Resume]).
const (
	// ResumeSkip: the entry is settled (a terminal state).
	ResumeSkip Resume = iota
	// ResumeLookup: start from the FaR lookup. A LookedUp entry is looked
	// up again rather than trusted: lookups are cheap and safe, and the
	// recipient's mailbox may have changed while the mailing was down.
	ResumeLookup
	// ResumeResend: a request may have landed. Record Unknown (Attempts
	// one higher) and send again with the same message ID, on the channel
	// and to the operator the entry names, since operators deduplicate by
	// ID only among what they themselves received.
	ResumeResend
)

func (r Resume) String() string {
	switch r {
	case ResumeSkip:
		return "skip"
	case ResumeLookup:
		return "lookup"
	case ResumeResend:
		return "resend"
	}
	return fmt.Sprintf("resume(%d)", int(r))
}

// Resume tells what a restarted mailing does with an entry in state s.
func (s State) Resume() Resume {
	switch s {
	case Queued, LookedUp:
		return ResumeLookup
	case Sending, Unknown:
		return ResumeResend
	}
	return ResumeSkip
}

// transitions is the state machine: from each state, the states a Record
// may move an entry to. A missing entry counts as Queued.
var transitions = map[State][]State{
	// Lookup answered; paper by class policy needs no lookup; refused
	// before sending.
	Queued: {Queued, LookedUp, Sending, Failed},
	// Looked up again on restart; sent; refused before sending (signing).
	LookedUp: {LookedUp, Sending, Failed},
	// An answer, a lost answer, or a crash (the restart records Unknown).
	// Sending → Sending only switches to paper after a decline (see
	// checkEntry).
	Sending: {Sending, Delivered, DeclinedThenPaper, Paper, Failed, Unknown},
	// Re-sent (Unknown → Unknown, Attempts up), answered, or — after a
	// definite decline — handed to paper (Sending on channel paper). Never
	// Failed: the first request may have landed.
	Unknown: {Unknown, Sending, Delivered, DeclinedThenPaper, Paper},
	// A deliberate requeue once the cause is fixed.
	Failed: {Queued},
}

// CanTransition reports whether the state machine allows an entry in state
// from to be recorded in state to. Field rules (a paper reason for Paper,
// an error text for Failed…) are checked by Record on top of this.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
