package journaltest

import (
	"slices"
	"testing"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allowed is the state machine as the package documents it, written out
// here on its own so that a change to the code's table shows up as a
// failure.
var allowed = map[journal.State][]journal.State{
	journal.Queued:   {journal.Queued, journal.LookedUp, journal.Sending, journal.Failed},
	journal.LookedUp: {journal.LookedUp, journal.Sending, journal.Failed},
	journal.Sending:  {journal.Sending, journal.Delivered, journal.DeclinedThenPaper, journal.Paper, journal.Failed, journal.Unknown},
	journal.Unknown:  {journal.Unknown, journal.Sending, journal.Delivered, journal.DeclinedThenPaper, journal.Paper},
	journal.Failed:   {journal.Queued},
}

// testStateMachine tries every pair of states: the allowed moves are
// accepted, every other is refused with ErrTransition and changes nothing.
func testStateMachine(t *testing.T, h Harness) {
	f := open(t, h)
	n := 0
	for _, from := range journal.States() {
		for _, to := range journal.States() {
			n++
			want := slices.Contains(allowed[from], to)
			assert.Equal(t, want, journal.CanTransition(from, to), "CanTransition(%s, %s)", from, to)

			ch := receipt.Digital
			if to == journal.Paper || to == journal.DeclinedThenPaper {
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
			assert.ErrorIs(t, err, journal.ErrTransition, "%s → %s", from, to)
			var te *journal.TransitionError
			if assert.ErrorAs(t, err, &te, "%s → %s", from, to) {
				assert.Equal(t, journal.TransitionError{MessageID: id(n), From: from, To: to}, *te)
			}
			assert.Equal(t, before, after, "%s → %s: a refused record changes nothing", from, to)
		}
	}

	// Terminal states and what a restart does are part of the contract.
	for _, s := range journal.States() {
		terminal := len(allowed[s]) == 0 || s == journal.Failed
		assert.Equal(t, terminal, s.Terminal(), "%s.Terminal()", s)
	}
	assert.Equal(t, journal.ResumeLookup, journal.Queued.Resume())
	assert.Equal(t, journal.ResumeLookup, journal.LookedUp.Resume())
	assert.Equal(t, journal.ResumeResend, journal.Sending.Resume())
	assert.Equal(t, journal.ResumeResend, journal.Unknown.Resume())
	for _, s := range []journal.State{journal.Delivered, journal.DeclinedThenPaper, journal.Paper, journal.Failed} {
		assert.Equal(t, journal.ResumeSkip, s.Resume(), "%s.Resume()", s)
	}
}

// testFieldRules checks the rules on fields that go with the states.
func testFieldRules(t *testing.T, h Harness) {
	f := open(t, h)
	tests := []struct {
		name   string
		before journal.State   // the state the entry is brought to first
		ch     receipt.Channel // channel of a Sending or Unknown before-state
		change func(e journal.Entry) journal.Entry
		want   error
	}{
		{"looked-up without channel", journal.Queued, "", func(e journal.Entry) journal.Entry {
			e.State = journal.LookedUp
			return e
		}, journal.ErrTransition},
		{"digital without operator", journal.Queued, "", func(e journal.Entry) journal.Entry {
			e = step(e, journal.LookedUp)
			e.Operator = message.Operator{}
			return e
		}, journal.ErrTransition},
		{"paper without reason", journal.Queued, "", func(e journal.Entry) journal.Entry {
			e.State, e.Channel = journal.Sending, receipt.Paper
			return e
		}, journal.ErrTransition},
		{"sending on channel none", journal.LookedUp, "", func(e journal.Entry) journal.Entry {
			e.State, e.Channel = journal.Sending, receipt.None
			return e
		}, journal.ErrTransition},
		{"delivered on paper", journal.Sending, receipt.Paper, func(e journal.Entry) journal.Entry {
			e.State = journal.Delivered
			return e
		}, journal.ErrTransition},
		{"paper on digital", journal.Sending, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.State, e.PaperReason = journal.Paper, message.PaperNoMailbox
			return e
		}, journal.ErrTransition},
		{"failed without error", journal.LookedUp, "", func(e journal.Entry) journal.Entry {
			e.State = journal.Failed
			return e
		}, journal.ErrTransition},
		{"unknown without error", journal.Sending, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.State = journal.Unknown
			return e
		}, journal.ErrTransition},
		{"unknown state word", journal.Queued, "", func(e journal.Entry) journal.Entry {
			e.State = "lost"
			return e
		}, journal.ErrTransition},
		{"attempts go down", journal.Sending, receipt.Digital, func(e journal.Entry) journal.Entry {
			e = step(e, journal.Unknown)
			e.Attempts = 0
			return e
		}, journal.ErrTransition},
		{"resend on digital must be recorded unknown", journal.Sending, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.Attempts++
			return e
		}, journal.ErrTransition},
		{"resend on paper must be recorded unknown", journal.Unknown, receipt.Paper, func(e journal.Entry) journal.Entry {
			e.State, e.Error = journal.Sending, ""
			return e
		}, journal.ErrTransition},
		{"resend to another operator", journal.Unknown, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.Operator, e.Attempts = operatorB, e.Attempts+1
			return e
		}, journal.ErrTransition},
		{"paper without its own sending record", journal.Unknown, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.State, e.Channel, e.Operator, e.PaperReason, e.Error = journal.DeclinedThenPaper, receipt.Paper, message.Operator{}, message.PaperOperatorDeclined, ""
			return e
		}, journal.ErrTransition},
		{"receipt of another message", journal.Sending, receipt.Digital, func(e journal.Entry) journal.Entry {
			e.State, e.Receipt = journal.Delivered, deliveredReceipt(9999)
			return e
		}, journal.ErrTransition},
		{"another recipient", journal.LookedUp, "", func(e journal.Entry) journal.Entry {
			e.Recipient = persons[(slices.Index(persons, e.Recipient)+1)%len(persons)]
			return e
		}, journal.ErrConflict},
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
		assert.ErrorIs(t, err, journal.ErrTransition, "recipient %q", r)
		assert.NotContains(t, errString(err), "195303231856", "the error masks the number")
		_, err = f.j.Get(f.ctx, mailingName, id(1))
		assert.ErrorIs(t, err, journal.ErrNotFound)
	}
	for _, e := range []journal.Entry{{MessageID: id(1), State: journal.Queued, Recipient: person1}, {Mailing: mailingName, State: journal.Queued, Recipient: person1}} {
		assert.Error(t, f.j.Record(f.ctx, e), "mailing and message ID are required")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
