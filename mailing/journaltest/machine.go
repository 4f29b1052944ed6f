package journaltest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

// allowed is the state machine as the package documents it, written out
// here on its own so that a change to the code's table shows up as a
// failure.
var allowed = map[mailing.State][]mailing.State{
	mailing.Queued:   {mailing.Queued, mailing.LookedUp, mailing.Sending, mailing.Failed},
	mailing.LookedUp: {mailing.LookedUp, mailing.Sending, mailing.Failed},
	mailing.Sending:  {mailing.Sending, mailing.Delivered, mailing.DeclinedThenPaper, mailing.Paper, mailing.Failed, mailing.Unknown},
	mailing.Unknown:  {mailing.Unknown, mailing.Sending, mailing.Delivered, mailing.DeclinedThenPaper, mailing.Paper},
	mailing.Failed:   {mailing.Queued},
}

// testStateMachine tries every pair of states: the allowed moves are
// accepted, every other is refused with ErrTransition and changes nothing.
func testStateMachine(t *testing.T, h Harness) {
	f := open(t, h)
	n := 0
	for _, from := range mailing.States {
		for _, to := range mailing.States {
			n++
			want := slices.Contains(allowed[from], to)
			assert.Equal(t, want, mailing.CanTransition(from, to), "CanTransition(%s, %s)", from, to)

			ch := receipt.Digital
			if to == mailing.Paper || to == mailing.DeclinedThenPaper {
				ch = receipt.Paper
			}
			p := path(n, from, ch)
			f.record(p...)
			before := f.get(id(n))
			require.Equal(t, from, before.State)
			f.clock.Advance(1)

			err := f.j.Record(f.ctx, step(p[len(p)-1], to))
			after := f.get(id(n))
			if want {
				assert.NoError(t, err, "%s → %s", from, to)
				assert.Equal(t, to, after.State, "%s → %s", from, to)
				assert.True(t, after.Updated.After(before.Updated), "%s → %s: Updated moves on", from, to)
				assert.Equal(t, before.Created, after.Created, "%s → %s: Created stays", from, to)
				continue
			}
			assert.ErrorIs(t, err, mailing.ErrTransition, "%s → %s", from, to)
			var te *mailing.TransitionError
			if assert.ErrorAs(t, err, &te, "%s → %s", from, to) {
				assert.Equal(t, mailing.TransitionError{MessageID: id(n), From: from, To: to}, *te)
			}
			assert.Equal(t, before, after, "%s → %s: a refused record changes nothing", from, to)
		}
	}

	// Terminal states and what a restart does are part of the contract.
	for _, s := range mailing.States {
		terminal := len(allowed[s]) == 0 || s == mailing.Failed
		assert.Equal(t, terminal, s.Terminal(), "%s.Terminal()", s)
	}
	assert.Equal(t, mailing.ResumeLookup, mailing.Queued.Resume())
	assert.Equal(t, mailing.ResumeLookup, mailing.LookedUp.Resume())
	assert.Equal(t, mailing.ResumeResend, mailing.Sending.Resume())
	assert.Equal(t, mailing.ResumeResend, mailing.Unknown.Resume())
	for _, s := range []mailing.State{mailing.Delivered, mailing.DeclinedThenPaper, mailing.Paper, mailing.Failed} {
		assert.Equal(t, mailing.ResumeSkip, s.Resume(), "%s.Resume()", s)
	}
}

// testFieldRules checks the rules on fields that go with the states.
func testFieldRules(t *testing.T, h Harness) {
	f := open(t, h)
	tests := []struct {
		name   string
		before mailing.State   // the state the entry is brought to first
		ch     receipt.Channel // channel of a Sending or Unknown before-state
		change func(e mailing.Entry) mailing.Entry
		want   error
	}{
		{"looked-up without channel", mailing.Queued, "", func(e mailing.Entry) mailing.Entry {
			e.State = mailing.LookedUp
			return e
		}, mailing.ErrTransition},
		{"digital without operator", mailing.Queued, "", func(e mailing.Entry) mailing.Entry {
			e = step(e, mailing.LookedUp)
			e.Operator = receipt.Operator{}
			return e
		}, mailing.ErrTransition},
		{"paper without reason", mailing.Queued, "", func(e mailing.Entry) mailing.Entry {
			e.State, e.Channel = mailing.Sending, receipt.Paper
			return e
		}, mailing.ErrTransition},
		{"sending on channel none", mailing.LookedUp, "", func(e mailing.Entry) mailing.Entry {
			e.State, e.Channel = mailing.Sending, receipt.None
			return e
		}, mailing.ErrTransition},
		{"delivered on paper", mailing.Sending, receipt.Paper, func(e mailing.Entry) mailing.Entry {
			e.State = mailing.Delivered
			return e
		}, mailing.ErrTransition},
		{"paper on digital", mailing.Sending, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.State, e.PaperReason = mailing.Paper, "no-mailbox"
			return e
		}, mailing.ErrTransition},
		{"failed without error", mailing.LookedUp, "", func(e mailing.Entry) mailing.Entry {
			e.State = mailing.Failed
			return e
		}, mailing.ErrTransition},
		{"unknown without error", mailing.Sending, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.State = mailing.Unknown
			return e
		}, mailing.ErrTransition},
		{"unknown state word", mailing.Queued, "", func(e mailing.Entry) mailing.Entry {
			e.State = "lost"
			return e
		}, mailing.ErrTransition},
		{"attempts go down", mailing.Sending, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e = step(e, mailing.Unknown)
			e.Attempts = 0
			return e
		}, mailing.ErrTransition},
		{"resend on digital must be recorded unknown", mailing.Sending, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.Attempts++
			return e
		}, mailing.ErrTransition},
		{"resend on paper must be recorded unknown", mailing.Unknown, receipt.Paper, func(e mailing.Entry) mailing.Entry {
			e.State, e.Error = mailing.Sending, ""
			return e
		}, mailing.ErrTransition},
		{"resend to another operator", mailing.Unknown, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.Operator, e.Attempts = operatorB, e.Attempts+1
			return e
		}, mailing.ErrTransition},
		{"paper without its own sending record", mailing.Unknown, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.State, e.Channel, e.Operator, e.PaperReason, e.Error = mailing.DeclinedThenPaper, receipt.Paper, receipt.Operator{}, "operator-declined", ""
			return e
		}, mailing.ErrTransition},
		{"receipt of another message", mailing.Sending, receipt.Digital, func(e mailing.Entry) mailing.Entry {
			e.State, e.Receipt = mailing.Delivered, deliveredReceipt(9999)
			return e
		}, mailing.ErrTransition},
		{"another recipient", mailing.LookedUp, "", func(e mailing.Entry) mailing.Entry {
			e.Recipient = persons[(slices.Index(persons, e.Recipient)+1)%len(persons)]
			return e
		}, mailing.ErrConflict},
	}
	for i, tc := range tests {
		n := 100 + i
		p := path(n, tc.before, tc.ch)
		if tc.ch == "" {
			p = path(n, tc.before, receipt.Digital)
		}
		f.record(p...)
		before := f.get(id(n))
		err := f.j.Record(f.ctx, tc.change(p[len(p)-1]))
		assert.ErrorIs(t, err, tc.want, tc.name)
		assert.Equal(t, before, f.get(id(n)), "%s: a refused record changes nothing", tc.name)
	}

	// A new entry needs the full, valid number: a masked one, as receipts
	// decoded from logs carry, can never be sent to.
	for _, r := range []string{"", "19530323****", "195303231856"} {
		e := queued(1)
		e.Recipient = message.RecipientID(r)
		err := f.j.Record(f.ctx, e)
		assert.ErrorIs(t, err, mailing.ErrTransition, "recipient %q", r)
		assert.NotContains(t, errString(err), "195303231856", "the error masks the number")
		_, err = f.j.Get(f.ctx, mailingName, id(1))
		assert.ErrorIs(t, err, mailing.ErrNotFound)
	}
	for _, e := range []mailing.Entry{{MessageID: id(1), State: mailing.Queued, Recipient: person1}, {Mailing: mailingName, State: mailing.Queued, Recipient: person1}} {
		assert.Error(t, f.j.Record(f.ctx, e), "mailing and message ID are required")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
