package journal

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Activity is what is happening to a mailing at one moment: which workers
// hold leases on its entries, and how many entries were settled in the
// window before. It is for watching a mailing that several instances
// drain (mm mailing status).
type Activity struct {
	// At is the moment the figures are for, by the journal's clock.
	At time.Time
	// Window is how far back Settled looks.
	Window time.Duration
	// Settled counts the entries in a terminal state whose last record
	// falls within Window before At. Terminal entries are not recorded
	// again (but for a deliberate requeue), so this is how many settled
	// in that window.
	Settled int
	// Workers are the workers holding live leases, by name (byte order).
	Workers []WorkerLeases
}

// WorkerLeases is one worker's live leases on a mailing's entries.
type WorkerLeases struct {
	Worker string
	// Entries is how many entries the worker holds.
	Entries int
	// Until is when the last of its leases ends unless renewed.
	Until time.Time
}

// Rate returns the entries settled per second over the window.
func (a Activity) Rate() float64 {
	if a.Window <= 0 {
		return 0
	}
	return float64(a.Settled) / a.Window.Seconds()
}

// ActivityReader is a Journal that reads Activity itself, without listing
// the mailing, and by its own clock — for pgjournal the database server's,
// the clock its leases run on.
type ActivityReader interface {
	Activity(ctx context.Context, mailing string, window time.Duration) (Activity, error)
}

// ReadActivity returns the activity of a mailing in j: from j when it is
// an ActivityReader, else by listing every entry of the mailing and reading
// the leases and Updated times at now, which should then be the clock the
// journal stamps with (time.Now unless its Config.Now says otherwise).
func ReadActivity(ctx context.Context, j Journal, mailing string, window time.Duration, now time.Time) (Activity, error) {
	if r, ok := j.(ActivityReader); ok {
		return r.Activity(ctx, mailing, window)
	}
	a := Activity{At: now.UTC(), Window: window}
	since := now.Add(-window)
	workers := map[string]*WorkerLeases{}
	for e, err := range j.List(ctx, mailing, Filter{}) {
		if err != nil {
			return Activity{}, err
		}
		if e.State.Terminal() && !e.Updated.Before(since) {
			a.Settled++
		}
		if !e.Lease.Live(now) {
			continue
		}
		w := workers[e.Lease.Worker]
		if w == nil {
			w = &WorkerLeases{Worker: e.Lease.Worker}
			workers[e.Lease.Worker] = w
		}
		w.Entries++
		if e.Lease.Until.After(w.Until) {
			w.Until = e.Lease.Until
		}
	}
	for _, w := range workers {
		a.Workers = append(a.Workers, *w)
	}
	slices.SortFunc(a.Workers, func(a, b WorkerLeases) int { return cmp.Compare(a.Worker, b.Worker) })
	return a, nil
}
