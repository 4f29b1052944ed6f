package journaltest

import (
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// The builders below return well-formed entries for each state, as a
// sender records them; tests change one thing at a time.

func queued(n int) journal.Entry {
	return journal.Entry{Mailing: mailingName, MessageID: id(n), Recipient: persons[n%len(persons)], State: journal.Queued}
}

func digital(n int, s journal.State) journal.Entry {
	e := queued(n)
	e.State, e.Channel, e.Operator = s, receipt.Digital, operatorA
	return e
}

func onPaper(n int, s journal.State, reason message.PaperReason) journal.Entry {
	e := queued(n)
	e.State, e.Channel, e.PaperReason = s, receipt.Paper, reason
	return e
}

func withAttempts(e journal.Entry, n int) journal.Entry {
	e.Attempts = n
	return e
}

func withError(e journal.Entry, text string) journal.Entry {
	e.Error = text
	return e
}

// deliveredReceipt is a receipt as the Sender keeps it.
func deliveredReceipt(n int) *receipt.Receipt {
	return &receipt.Receipt{
		MessageID: id(n), Sender: senderOrg, Recipient: persons[n%len(persons)], Class: 3,
		Channel: receipt.Digital, State: receipt.StateDelivered, Operator: message.Operator(operatorA),
		TransID: "trans-4711", Delivered: true, SealedSHA256: "ab12", At: start, Attempts: 1,
	}
}

// path returns the records that take message n from nothing to state s. A
// Sending or Unknown entry is on channel ch (digital or paper).
func path(n int, s journal.State, ch receipt.Channel) []journal.Entry {
	sendingOn := func() []journal.Entry {
		if ch == receipt.Paper {
			return []journal.Entry{onPaper(n, journal.LookedUp, message.PaperNoMailbox), withAttempts(onPaper(n, journal.Sending, message.PaperNoMailbox), 1)}
		}
		return []journal.Entry{digital(n, journal.LookedUp), withAttempts(digital(n, journal.Sending), 1)}
	}
	switch s {
	case journal.Queued:
		return []journal.Entry{queued(n)}
	case journal.LookedUp:
		return []journal.Entry{digital(n, journal.LookedUp)}
	case journal.Sending:
		return sendingOn()
	case journal.Unknown:
		last := sendingOn()[1]
		last.State, last.Error = journal.Unknown, "timeout after 120s"
		return append(sendingOn(), last)
	case journal.Delivered:
		d := withAttempts(digital(n, journal.Delivered), 1)
		d.Receipt = deliveredReceipt(n)
		return append(path(n, journal.Sending, receipt.Digital), d)
	case journal.DeclinedThenPaper:
		return append(path(n, journal.Sending, receipt.Digital),
			withAttempts(onPaper(n, journal.Sending, message.PaperOperatorDeclined), 2),
			withAttempts(onPaper(n, journal.DeclinedThenPaper, message.PaperOperatorDeclined), 2))
	case journal.Paper:
		return append(path(n, journal.Sending, receipt.Paper), withAttempts(onPaper(n, journal.Paper, message.PaperNoMailbox), 1))
	case journal.Failed:
		e := withError(queued(n), "message invalid: Subject: required")
		e.State = journal.Failed
		return []journal.Entry{e}
	}
	panic("journaltest: no path to state " + string(s))
}

// step returns a well-formed record of state to following last, the entry
// a path ended with: the one a careful sender would write if the machine
// allows the move.
func step(last journal.Entry, to journal.State) journal.Entry {
	e := last
	e.State, e.Error, e.Receipt = to, "", nil
	inRequest := last.State == journal.Sending || last.State == journal.Unknown
	switch to {
	case journal.Queued:
		e.Channel, e.Operator, e.PaperReason = "", message.Operator{}, ""
	case journal.LookedUp:
		e.Channel, e.Operator, e.PaperReason = receipt.Digital, operatorA, ""
	case journal.Sending:
		e.Attempts++
		if inRequest {
			e.Channel, e.Operator, e.PaperReason = receipt.Paper, message.Operator{}, message.PaperOperatorDeclined
		} else {
			e.Channel, e.Operator, e.PaperReason = receipt.Digital, operatorA, ""
		}
	case journal.Delivered:
		if !inRequest {
			e.Channel, e.Operator = receipt.Digital, operatorA
		}
	case journal.DeclinedThenPaper, journal.Paper:
		if !inRequest {
			e.Channel, e.Operator, e.PaperReason = receipt.Paper, message.Operator{}, message.PaperOperatorDeclined
		}
	case journal.Failed:
		e.Error = "operator fault 5001: invalid input"
	case journal.Unknown:
		e.Error = "timeout after 120s"
		if e.Channel == "" || e.Channel == receipt.None {
			e.Channel, e.Operator = receipt.Digital, operatorA
		}
	}
	return e
}
