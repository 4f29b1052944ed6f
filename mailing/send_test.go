package mailing_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// population registers n recipients at the fake, spread over every outcome,
// and returns their identities. The numbers are made valid test numbers
// from a counter (births on the 1st of a month, 1900–1999).
func population(t testing.TB, infra *fakeinfra.Infra, n int) []message.RecipientID {
	t.Helper()
	ops := infra.Operators()
	ids := make([]message.RecipientID, n)
	for k := range n {
		id := testPerson(k)
		ids[k] = id
		var opts []fakeinfra.RecipientOption
		switch k % 10 {
		case 0:
			opts = append(opts, fakeinfra.NoMailbox())
		case 1:
			opts = append(opts, fakeinfra.Mailbox(ops[k%len(ops)]), fakeinfra.Rejects(infra.Sender().ID))
		case 2:
			opts = append(opts, fakeinfra.Mailbox(ops[k%len(ops)]), fakeinfra.DeclinedByOperator())
		default:
			opts = append(opts, fakeinfra.Mailbox(ops[k%len(ops)]))
		}
		require.NoError(t, infra.AddRecipient(string(id), opts...))
	}
	return ids
}

// testPerson makes the k-th valid personal number (a test number: no
// real person is meant).
func testPerson(k int) message.RecipientID {
	year, month, serial := 1900+(k/12/900)%100, 1+(k/900)%12, 10+k%900
	base := fmt.Sprintf("%02d%02d01%03d", year%100, month, serial)
	sum := 0
	for i, c := range base {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return message.RecipientID(fmt.Sprintf("%d%s%d", year/100, base, (10-sum%10)%10))
}

func mailingOf(ids []message.RecipientID, name string) iter.Seq2[*message.Message, error] {
	return func(yield func(*message.Message, error) bool) {
		for k, id := range ids {
			m := newMessage(string(id))
			m.ID = fmt.Sprintf("%s-%06d", name, k)
			m.Attachments = nil
			if !yield(m, nil) {
				return
			}
		}
	}
}

func TestSendAllEveryOutcome(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 300)
	j := journal.NewMemory(journal.Config{})
	var last mailing.Progress
	rep, err := mailing.Send(context.Background(), s.Sender, mailingOf(ids, "m1"), mailing.Options{
		Name: "m1", Journal: j, Progress: func(p mailing.Progress) { last = p }, Total: len(ids),
	})
	require.NoError(t, err)
	assert.Equal(t, 300, rep.Seen)
	assert.Equal(t, 300, rep.Done)
	assert.Zero(t, rep.Failed)
	assert.Zero(t, rep.Unknown)
	assert.Equal(t, 210, rep.ByState[journal.Delivered])
	assert.Equal(t, 60, rep.ByState[journal.Paper])
	assert.Equal(t, 30, rep.ByState[journal.DeclinedThenPaper])
	assert.Equal(t, 30, rep.ByReason[message.PaperNoMailbox])
	assert.Equal(t, 30, rep.ByReason[message.PaperSenderNotAccepted])
	assert.Equal(t, 30, rep.ByReason[message.PaperOperatorDeclined])
	assert.Equal(t, 300, last.Done, "the last progress call sees the end")
	assert.Len(t, s.Infra.Deliveries(), 210)
	list, err := s.Paper.List()
	require.NoError(t, err)
	assert.Len(t, list, 90)
	counts, err := j.Counts(context.Background(), "m1")
	require.NoError(t, err)
	assert.Equal(t, 300, counts.Total)
	assert.True(t, counts.Done())
	assert.Equal(t, 210, counts.Channel[receipt.Digital])

	// A second run with the same input sends nothing again.
	before := s.Infra.Requests(fakeinfra.EndpointRecipient)
	rep, err = mailing.Send(context.Background(), s.Sender, mailingOf(ids, "m1"), mailing.Options{Name: "m1", Journal: j})
	require.NoError(t, err)
	assert.Equal(t, 300, rep.Skipped)
	assert.Zero(t, rep.Done)
	assert.Equal(t, before, s.Infra.Requests(fakeinfra.EndpointRecipient), "no lookups")
	assert.Len(t, s.Infra.Deliveries(), 210)
	assert.Zero(t, s.Infra.Duplicates())
}

// A source that fails part-way stops the reading, not what was read: the
// messages before it are settled, and the error says it was the source.
func TestSendStopsAtASourceError(t *testing.T) {
	t.Parallel()
	s := start(t)
	ids := population(t, s.Infra, 20)
	broken := errors.New("line 11: file vanished")
	msgs := func(yield func(*message.Message, error) bool) {
		for m, err := range mailingOf(ids, "src") {
			if m.ID == "src-000010" {
				yield(nil, broken)
				return
			}
			if !yield(m, err) {
				return
			}
		}
	}
	rep, err := mailing.Send(context.Background(), s.Sender, msgs, mailing.Options{Name: "src"})
	require.ErrorIs(t, err, mailing.ErrSource)
	require.ErrorIs(t, err, broken)
	assert.Equal(t, 10, rep.Seen)
	assert.Equal(t, 10, rep.Done)
}
