package journal_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStoredRoundTrip stores an entry with every field set and reads it
// back through ScanStored, as the SQL journals do.
func TestStoredRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 8, 0, 0, 1, time.UTC)
	op := message.Operator{ID: "165599990001", Name: "Operatör A"}
	e := journal.Entry{Mailing: "m", MessageID: "id-1", Recipient: "195303231855", State: journal.Delivered,
		Channel: receipt.Notification, Operator: op, Attempts: 2, Payload: []byte(`{"n":1}`),
		Receipt: &receipt.Receipt{MessageID: "id-1", Recipient: "195303231855", Channel: receipt.Notification,
			State: receipt.StateDelivered, Operator: op, Delivered: true, NotifiedBy: []string{receipt.NotifiedSMS}, At: at, Attempts: 2},
		Lease: journal.Lease{Worker: "w1", Until: at.Add(time.Minute)}, Created: at, Updated: at.Add(time.Second)}
	s, err := journal.Store(&e)
	require.NoError(t, err)
	assert.Contains(t, string(s.Receipt), `"recipient":"195303231855"`, "the stored receipt keeps the full number")
	assert.Equal(t, at.UnixNano(), s.Created)

	values := []any{int64(42), s.Mailing, s.MessageID, s.Recipient, s.State, s.Channel, s.OperatorID, s.OperatorName,
		s.PaperReason, s.Error, s.Attempts, s.Receipt, s.LeaseWorker, s.LeaseUntil, s.Created, s.Updated, s.Payload}
	scan := func(dest ...any) error {
		require.Len(t, dest, len(values))
		for i, d := range dest {
			switch p := d.(type) {
			case *int64:
				*p = values[i].(int64)
			case *string:
				*p = values[i].(string)
			case *int:
				*p = values[i].(int)
			case *[]byte:
				*p = values[i].([]byte)
			default:
				return fmt.Errorf("column %d: unexpected %T", i, d)
			}
		}
		return nil
	}
	seq, got, err := journal.ScanStored(scan, true)
	require.NoError(t, err)
	assert.Equal(t, int64(42), seq)
	assert.Equal(t, e, got)

	values = values[:len(values)-1]
	values[11] = []byte(nil)
	_, got, err = journal.ScanStored(scan, false)
	require.NoError(t, err)
	assert.Nil(t, got.Receipt)
	assert.Nil(t, got.Payload)

	values[11] = []byte(`{"channel":"carrier pigeon"}`)
	_, _, err = journal.ScanStored(scan, false)
	assert.ErrorContains(t, err, "journal: message id-1: stored receipt: ")
}

func TestLoadBatches(t *testing.T) {
	t.Parallel()
	items := func(n int, fail error) func(func(journal.Item, error) bool) {
		return func(yield func(journal.Item, error) bool) {
			for i := range n {
				if !yield(journal.Item{MessageID: fmt.Sprint(i)}, nil) {
					return
				}
			}
			if fail != nil {
				yield(journal.Item{}, fail)
			}
		}
	}
	var sizes []int
	write := func(batch []journal.Item) (journal.LoadStats, error) {
		sizes = append(sizes, len(batch))
		if batch[0].MessageID == "6" {
			return journal.LoadStats{Added: 1}, errors.New("disk full")
		}
		return journal.LoadStats{Added: len(batch) - 1, Present: 1}, nil
	}
	st, err := journal.LoadBatches(items(5, nil), 3, write)
	require.NoError(t, err)
	assert.Equal(t, journal.LoadStats{Added: 3, Present: 2}, st)
	assert.Equal(t, []int{3, 2}, sizes)

	sizes = nil
	st, err = journal.LoadBatches(items(9, nil), 3, write)
	assert.EqualError(t, err, "disk full")
	assert.Equal(t, journal.LoadStats{Added: 4, Present: 2}, st, "the failed batch counts for nothing")
	assert.Equal(t, []int{3, 3, 3}, sizes)

	sizes = nil
	boom := errors.New("line 3: bad JSON")
	st, err = journal.LoadBatches(items(4, boom), 3, write)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, journal.LoadStats{Added: 2, Present: 1}, st)
	assert.Equal(t, []int{3}, sizes, "the batch the source broke off is not written")
}

func TestListPages(t *testing.T) {
	t.Parallel()
	const total, size = 7, 3
	var asked []int64
	page := func(after int64) ([]journal.Entry, int64, error) {
		asked = append(asked, after)
		var out []journal.Entry
		for k := after + 1; k <= total && len(out) < size; k++ {
			out = append(out, journal.Entry{MessageID: fmt.Sprint(k)})
		}
		return out, after + int64(len(out)), nil
	}
	var got []string
	for e, err := range journal.ListPages(size, page) {
		require.NoError(t, err)
		got = append(got, e.MessageID)
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "5", "6", "7"}, got)
	assert.Equal(t, []int64{0, 3, 6}, asked, "a short page is the last")

	asked = nil
	for e := range journal.ListPages(size, page) {
		if e.MessageID == "2" {
			break
		}
	}
	assert.Equal(t, []int64{0}, asked, "stopping early reads no more")

	var listErr error
	for _, err := range journal.ListPages(size, func(int64) ([]journal.Entry, int64, error) {
		return nil, 0, errors.New("connection reset")
	}) {
		listErr = err
	}
	assert.EqualError(t, listErr, "connection reset")
}
