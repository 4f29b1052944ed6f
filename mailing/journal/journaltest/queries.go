package journaltest

import (
	"context"
	"testing"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mix records a mailing whose numbers are known: per block of eight
// messages one in each state, with the digital ones split between two
// operators. It returns how many messages it recorded.
func mix(f *fixture, blocks int) int {
	n := 0
	for b := range blocks {
		for _, s := range journal.States() {
			ch := receipt.Digital
			if s == journal.Paper || s == journal.DeclinedThenPaper {
				ch = receipt.Paper
			}
			p := path(n, s, ch)
			if b%2 == 1 {
				for i := range p {
					if p[i].Channel == receipt.Digital {
						p[i].Operator = operatorB
					}
				}
			}
			f.record(p...)
			n++
		}
	}
	return n
}

// testQueries checks Counts and List against a known mix.
func testQueries(t *testing.T, h Harness) {
	f := open(t, h)
	const blocks = 80 // 640 entries: List reads more than one page
	n := mix(f, blocks)

	c, err := f.j.Counts(f.ctx, mailingName)
	require.NoError(t, err)
	assert.Equal(t, n, c.Total)
	wantStates := map[journal.State]int{}
	for _, s := range journal.States() {
		wantStates[s] = blocks
	}
	assert.Equal(t, wantStates, c.State)
	// Digital: looked-up, sending, delivered, unknown; paper: the two paper
	// states; queued and failed have no channel.
	assert.Equal(t, map[receipt.Channel]int{receipt.Digital: 4 * blocks, receipt.Paper: 2 * blocks}, c.Channel)
	// The digital states name an operator; blocks alternate between two.
	assert.Equal(t, map[message.OrgNumber]int{operatorA.ID: 2 * blocks, operatorB.ID: 2 * blocks}, c.Operator)
	assert.False(t, c.Done())

	all := f.list(journal.Filter{})
	require.Len(t, all, n)
	for i, e := range all {
		assert.Equal(t, id(i), e.MessageID, "List keeps the order of first record")
		assert.Nil(t, e.Payload, "List leaves the payload out")
	}

	tests := []struct {
		name   string
		filter journal.Filter
		want   int
		check  func(e journal.Entry) bool
	}{
		{"failed", journal.Filter{States: []journal.State{journal.Failed}}, blocks,
			func(e journal.Entry) bool { return e.State == journal.Failed && e.Error != "" }},
		{"paper with reasons", journal.Filter{States: []journal.State{journal.Paper, journal.DeclinedThenPaper}}, 2 * blocks,
			func(e journal.Entry) bool { return e.PaperReason != "" && e.Channel == receipt.Paper }},
		{"unknown", journal.Filter{States: []journal.State{journal.Unknown}}, blocks,
			func(e journal.Entry) bool { return e.State == journal.Unknown && e.Attempts == 1 }},
		{"channel paper", journal.Filter{Channel: receipt.Paper}, 2 * blocks,
			func(e journal.Entry) bool { return e.Channel == receipt.Paper }},
		{"operator B delivered", journal.Filter{States: []journal.State{journal.Delivered}, Operator: operatorB.ID}, blocks / 2,
			func(e journal.Entry) bool { return e.Operator == operatorB && e.Receipt != nil }},
		{"nothing", journal.Filter{States: []journal.State{journal.Delivered}, Channel: receipt.Paper}, 0, nil},
	}
	for _, tc := range tests {
		got := f.list(tc.filter)
		assert.Len(t, got, tc.want, tc.name)
		for _, e := range got {
			assert.True(t, tc.check(e), "%s: %+v", tc.name, e)
		}
	}

	// Stopping early and a cancelled context.
	count := 0
	for range f.j.List(f.ctx, mailingName, journal.Filter{}) {
		count++
		if count == 3 {
			break
		}
	}
	assert.Equal(t, 3, count)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	var listErr error
	for _, err := range f.j.List(ctx, mailingName, journal.Filter{}) {
		if err != nil {
			listErr = err
			break
		}
	}
	assert.ErrorIs(t, listErr, context.Canceled)

	// Another mailing is empty, and a finished one is done.
	c, err = f.j.Counts(f.ctx, "no-such-mailing")
	require.NoError(t, err)
	assert.Equal(t, 0, c.Total)
	assert.True(t, c.Done())
	assert.Empty(t, f.listOf("no-such-mailing"))
}

func (f *fixture) listOf(name string) []journal.Entry {
	f.t.Helper()
	var out []journal.Entry
	for e, err := range f.j.List(f.ctx, name, journal.Filter{}) {
		require.NoError(f.t, err)
		out = append(out, e)
	}
	return out
}
