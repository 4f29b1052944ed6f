package journaltest

import (
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/receipt"
)

// The builders below return well-formed entries for each state, as a
// sender records them; tests change one thing at a time.

func queued(n int) mailing.Entry {
	return mailing.Entry{Mailing: mailingName, MessageID: id(n), Recipient: persons[n%len(persons)], State: mailing.Queued}
}

func digital(n int, s mailing.State) mailing.Entry {
	e := queued(n)
	e.State, e.Channel, e.Operator = s, receipt.Digital, operatorA
	return e
}

func onPaper(n int, s mailing.State, reason string) mailing.Entry {
	e := queued(n)
	e.State, e.Channel, e.PaperReason = s, receipt.Paper, reason
	return e
}

func withAttempts(e mailing.Entry, n int) mailing.Entry {
	e.Attempts = n
	return e
}

func withError(e mailing.Entry, text string) mailing.Entry {
	e.Error = text
	return e
}

// deliveredReceipt is a receipt as the Sender keeps it.
func deliveredReceipt(n int) *receipt.Receipt {
	return &receipt.Receipt{
		MessageID: id(n), Sender: senderOrg, Recipient: persons[n%len(persons)], Class: 3,
		Channel: receipt.Digital, State: receipt.StateDelivered, Operator: receipt.Operator(operatorA),
		TransID: "trans-4711", Delivered: true, SealedSHA256: "ab12", At: start, Attempts: 1,
	}
}

// path returns the records that take message n from nothing to state s. A
// Sending or Unknown entry is on channel ch (digital or paper).
func path(n int, s mailing.State, ch receipt.Channel) []mailing.Entry {
	sendingOn := func() []mailing.Entry {
		if ch == receipt.Paper {
			return []mailing.Entry{onPaper(n, mailing.LookedUp, "no-mailbox"), withAttempts(onPaper(n, mailing.Sending, "no-mailbox"), 1)}
		}
		return []mailing.Entry{digital(n, mailing.LookedUp), withAttempts(digital(n, mailing.Sending), 1)}
	}
	switch s {
	case mailing.Queued:
		return []mailing.Entry{queued(n)}
	case mailing.LookedUp:
		return []mailing.Entry{digital(n, mailing.LookedUp)}
	case mailing.Sending:
		return sendingOn()
	case mailing.Unknown:
		last := sendingOn()[1]
		last.State, last.Error = mailing.Unknown, "timeout after 120s"
		return append(sendingOn(), last)
	case mailing.Delivered:
		d := withAttempts(digital(n, mailing.Delivered), 1)
		d.Receipt = deliveredReceipt(n)
		return append(path(n, mailing.Sending, receipt.Digital), d)
	case mailing.DeclinedThenPaper:
		return append(path(n, mailing.Sending, receipt.Digital),
			withAttempts(onPaper(n, mailing.Sending, "operator-declined"), 2),
			withAttempts(onPaper(n, mailing.DeclinedThenPaper, "operator-declined"), 2))
	case mailing.Paper:
		return append(path(n, mailing.Sending, receipt.Paper), withAttempts(onPaper(n, mailing.Paper, "no-mailbox"), 1))
	case mailing.Failed:
		e := withError(queued(n), "message invalid: Subject: required")
		e.State = mailing.Failed
		return []mailing.Entry{e}
	}
	panic("journaltest: no path to state " + string(s))
}

// step returns a well-formed record of state to following last, the entry
// a path ended with: the one a careful sender would write if the machine
// allows the move.
func step(last mailing.Entry, to mailing.State) mailing.Entry {
	e := last
	e.State, e.Error, e.Receipt = to, "", nil
	inRequest := last.State == mailing.Sending || last.State == mailing.Unknown
	switch to {
	case mailing.Queued:
		e.Channel, e.Operator, e.PaperReason = "", receipt.Operator{}, ""
	case mailing.LookedUp:
		e.Channel, e.Operator, e.PaperReason = receipt.Digital, operatorA, ""
	case mailing.Sending:
		e.Attempts++
		if inRequest {
			e.Channel, e.Operator, e.PaperReason = receipt.Paper, receipt.Operator{}, "operator-declined"
		} else {
			e.Channel, e.Operator, e.PaperReason = receipt.Digital, operatorA, ""
		}
	case mailing.Delivered:
		if !inRequest {
			e.Channel, e.Operator = receipt.Digital, operatorA
		}
	case mailing.DeclinedThenPaper, mailing.Paper:
		if !inRequest {
			e.Channel, e.Operator, e.PaperReason = receipt.Paper, receipt.Operator{}, "operator-declined"
		}
	case mailing.Failed:
		e.Error = "operator fault 5001: invalid input"
	case mailing.Unknown:
		e.Error = "timeout after 120s"
		if e.Channel == "" || e.Channel == receipt.None {
			e.Channel, e.Operator = receipt.Digital, operatorA
		}
	}
	return e
}
