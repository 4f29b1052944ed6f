package pgjournal_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

const testMailing = "arsbesked-2026"

var (
	testPersons = []string{"195303231855", "198101052382", "199001012385", "200001012384"}
	testOp      = message.Operator{ID: "165599990001", Name: "Operatör A"}
)

func testID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func testItems(n int) func(func(journal.Item, error) bool) {
	return func(yield func(journal.Item, error) bool) {
		for i := range n {
			p := testPersons[i%len(testPersons)]
			it := journal.Item{MessageID: testID(i), Recipient: message.RecipientID(p), Payload: fmt.Appendf(nil, `{"to":%q,"n":%d}`, p, i)}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// openN opens the journal at dsn n times, each with a pool of its own, as
// n sender instances on n machines would.
func openN(t *testing.T, dsn string, n int) []*pgjournal.Journal {
	t.Helper()
	out := make([]*pgjournal.Journal, n)
	for i := range out {
		j, err := pgjournal.Open(t.Context(), dsn, journal.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = j.Close() })
		out[i] = j
	}
	return out
}

// deliver records e through to Delivered, as a sender does around the
// operator call.
func deliver(t *testing.T, j journal.Journal, e journal.Entry) error {
	t.Helper()
	e.State, e.Channel, e.Operator, e.Attempts = journal.Sending, receipt.Digital, testOp, e.Attempts+1
	if err := j.Record(t.Context(), e); err != nil {
		return err
	}
	e.State = journal.Delivered
	return j.Record(t.Context(), e)
}

// claimLog remembers every claim, to check afterwards that no two leases
// on one entry were live at once.
type claimLog struct {
	mu     sync.Mutex
	leases map[string][]journal.Lease
}

func (l *claimLog) add(es []journal.Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range es {
		l.leases[e.MessageID] = append(l.leases[e.MessageID], e.Lease)
	}
}

// TestInstancesShareAMailing drains one mailing from three instances (pools)
// with three workers each. One worker of the first instance dies after its
// first claim, holding its entries: they come back when the lease
// ends on the server's clock, and its late Record is refused. Every entry
// ends Delivered, and every claim of an entry began after the one before it
// had ended.
func TestInstancesShareAMailing(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	instances := openN(t, dsn, 3)
	// The lease is long enough that a live worker on a loaded machine (CI
	// runs the whole suite at once) finishes its batch inside it: a lease
	// that runs out under a live worker makes its record fail, rightly,
	// and the test is about workers sharing, not about losing leases.
	const total, batch, lease = 400, 9, 3 * time.Second
	st, err := instances[0].Load(t.Context(), testMailing, testItems(total))
	require.NoError(t, err)
	require.Equal(t, journal.LoadStats{Added: total}, st)

	log := &claimLog{leases: map[string][]journal.Lease{}}
	dead, err := instances[0].Claim(t.Context(), testMailing, "instance-0/dead", batch, lease)
	require.NoError(t, err)
	require.Len(t, dead, batch)
	log.add(dead)

	var wg sync.WaitGroup
	for i, j := range instances {
		for w := range 3 {
			worker := fmt.Sprintf("instance-%d/worker-%d", i, w)
			wg.Go(func() {
				deadline := time.Now().Add(30 * time.Second)
				for time.Now().Before(deadline) {
					got, err := j.Claim(t.Context(), testMailing, worker, batch, lease)
					if err != nil {
						t.Errorf("%s: claim: %v", worker, err)
						return
					}
					log.add(got)
					for _, e := range got {
						if err := deliver(t, j, e); err != nil {
							t.Errorf("%s: %s: %v", worker, e.MessageID, err)
							return
						}
					}
					if len(got) > 0 {
						continue
					}
					c, err := j.Counts(t.Context(), testMailing)
					if err != nil || c.Done() {
						return
					}
					time.Sleep(50 * time.Millisecond) // the dead worker's leases have not ended yet
				}
				t.Errorf("%s: the mailing did not finish in time", worker)
			})
		}
	}
	wg.Wait()

	c, err := instances[1].Counts(t.Context(), testMailing)
	require.NoError(t, err)
	assert.Equal(t, map[journal.State]int{journal.Delivered: total}, c.State)
	require.Len(t, log.leases, total, "every entry was claimed")
	for id, leases := range log.leases {
		for i := 1; i < len(leases); i++ {
			// A claim at t leases until t+lease: the next began at or after
			// the end of the one before.
			assert.False(t, leases[i].Until.Add(-lease).Before(leases[i-1].Until),
				"%s: claimed by %s while %s held it", id, leases[i].Worker, leases[i-1].Worker)
		}
	}
	for _, e := range dead {
		assert.Len(t, log.leases[e.MessageID], 2, "%s: the dead worker's entry was taken over once", e.MessageID)
		assert.ErrorIs(t, deliver(t, instances[0], e), journal.ErrTransition, "%s is delivered already", e.MessageID)
	}
}

// TestLeaseExpiresOnServerClock leases entries for a moment on the
// server's clock and waits for it: before, nobody else may claim or
// record them; after, another instance takes them over and the first
// holder's record is refused.
func TestLeaseExpiresOnServerClock(t *testing.T) {
	t.Parallel()
	dsn := conformance.Postgres(t)
	a, b := openN(t, dsn, 2)[0], openN(t, dsn, 1)[0]
	_, err := a.Load(t.Context(), testMailing, testItems(3))
	require.NoError(t, err)

	const lease = 3 * time.Second // long enough that b's claim comes before it ends on a loaded machine
	before := time.Now()
	held, err := a.Claim(t.Context(), testMailing, "a", 2, lease)
	require.NoError(t, err)
	require.Equal(t, []string{testID(0), testID(1)}, ids(held))
	// The server runs on this machine: its clock and ours agree closely.
	assert.WithinDuration(t, before.Add(lease), held[0].Lease.Until, 2*time.Second)

	other, err := b.Claim(t.Context(), testMailing, "b", 5, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{testID(2)}, ids(other), "live leases are passed over")
	taken := held[0]
	taken.Lease.Worker = "b"
	assert.ErrorIs(t, deliver(t, b, taken), journal.ErrLeaseLost)

	time.Sleep(time.Until(held[0].Lease.Until.Add(100 * time.Millisecond)))
	late, err := b.Claim(t.Context(), testMailing, "b", 5, lease)
	require.NoError(t, err)
	assert.Equal(t, []string{testID(0), testID(1), testID(2)}, ids(late), "expired leases come back, and b's own")
	assert.ErrorIs(t, deliver(t, a, held[0]), journal.ErrLeaseLost, "a lost its lease to b")
	require.NoError(t, deliver(t, b, late[0]))

	got, err := a.Get(t.Context(), testMailing, testID(0))
	require.NoError(t, err)
	assert.Equal(t, journal.Delivered, got.State)
	assert.Equal(t, journal.Lease{}, got.Lease, "delivered releases the lease")
	assert.True(t, got.Updated.After(got.Created), "stamped by the server's clock as it goes")
	assert.WithinDuration(t, time.Now(), got.Updated, 2*time.Second)
}

func ids(es []journal.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.MessageID
	}
	return out
}
