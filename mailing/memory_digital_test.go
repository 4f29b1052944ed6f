package mailing_test

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"net/http"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/internal/soap"
	"github.com/avsandare/mm/mailing"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var digitalN = flag.Int("mailing.digital", 300, "N for the digital-path memory test, which sends N then 10·N messages in all (by hand: 100000)")

// retainInFake bounds what the fake keeps in the digital memory test.
const retainInFake = 200

// The whole digital path in one process — lookups, signing, the fake's
// operators verifying and storing (fakeinfra.WithRetain), an SQLite
// journal on disk — holds the same heap after 10·N messages as after N:
// nothing of a delivered message stays behind.
func TestDigitalMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends thousands of messages")
	}
	n := *digitalN
	infra := fakeinfra.Start(t, fakeinfra.WithRetain(retainInFake))
	const people = 1000
	for k := range people {
		require.NoError(t, infra.AddRecipient(string(testPerson(k)), fakeinfra.Mailbox(infra.Operators()[k%4])))
	}
	// The test holds the HTTP client so that it can close the idle
	// connections before it measures: how many the pool keeps open
	// (up to soap.DefaultMaxIdleConnsPerHost per operator, each with its
	// TLS buffers) depends on how requests happened to overlap, not on
	// how many messages went, and it moved the figure at small N by more
	// than the 10% allowed.
	cfg := infra.SenderConfig()
	hc, err := soap.NewHTTPClient(soap.TLSConfig{Certificate: cfg.Signer.TLSCertificate(), Roots: cfg.Roots})
	require.NoError(t, err)
	// Wrapped, the transport is used as it is (an *http.Transport itself
	// would be cloned by the operator address policy), so that closing
	// hc's idle connections closes the operators' too.
	hc.Transport = closer{hc.Transport.(*http.Transport)}
	cfg.HTTPClient = hc
	s, err := mm.New(cfg)
	require.NoError(t, err)
	j, err := sqlitejournal.Open(filepath.Join(t.TempDir(), "j.db"), journal.Config{})
	require.NoError(t, err)
	defer j.Close()
	text := fmt.Sprintf("%01024d", 0)
	msgs := func(from, to int) iter.Seq2[*message.Message, error] {
		return func(yield func(*message.Message, error) bool) {
			for k := from; k < to; k++ {
				m := newMessage(string(testPerson(k % people)))
				m.ID, m.Attachments, m.Body.Text = fmt.Sprintf("digital-%08d", k), nil, text
				if !yield(m, nil) {
					return
				}
			}
		}
	}
	send := func(name string, from, to int) uint64 {
		rep, err := mailing.Send(context.Background(), s, msgs(from, to), mailing.Options{Name: name, Journal: j})
		require.NoError(t, err)
		require.Equal(t, to-from, rep.ByState[journal.Delivered], "%v", rep.ByState)
		hc.CloseIdleConnections()
		time.Sleep(100 * time.Millisecond) // the fake's side of them ends too
		runtime.GC()
		runtime.GC() // the first GC's finalizers free more
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	// A warm-up fills what is bounded by the settings, not by the count
	// (caches, pools, the fake's retained deliveries).
	const warmUp = 2000
	send("digital-0", 10*n, 10*n+warmUp)
	atN := send("digital-1", 0, n)
	at10N := send("digital-2", n, 10*n)
	t.Logf("heap after GC: %d messages %.2f MiB, %d messages %.2f MiB (%+.1f%%); process peak RSS %s",
		n, float64(atN)/(1<<20), 10*n, float64(at10N)/(1<<20), 100*(float64(at10N)/float64(atN)-1), peakRSS())
	assert.Equal(t, retainInFake, len(infra.Deliveries()), "the fake keeps the last deliveries only")
	assert.LessOrEqual(t, float64(at10N), 1.1*float64(atN), "heap after 10·N within 10 percent of N")
}

// closer is a transport that is not an *http.Transport, and can close
// its idle connections.
type closer struct{ t *http.Transport }

func (c closer) RoundTrip(r *http.Request) (*http.Response, error) { return c.t.RoundTrip(r) }
func (c closer) CloseIdleConnections()                             { c.t.CloseIdleConnections() }
