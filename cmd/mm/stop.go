package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// stopGrace is how long a command that sends has, after SIGINT or
// SIGTERM, to wind down by itself before the process exits anyway: half a
// second, so that it stops within a second with room for a busy machine
// (a paced mailing winds down in tens of milliseconds).
const stopGrace = 500 * time.Millisecond

// onStop returns a context that ends at the first SIGINT or SIGTERM, for
// a command that may block where a context cannot reach: a read of a
// named pipe, a slow file system. The command gets stopGrace to return by
// itself — cancelled requests recorded, the summary printed — and the
// process exits with exitFailed after it, or at a second signal, saying
// so with hint. Exiting then is what kill -9 does, which the journal and
// the paper folder survive by design: a mailing stopped this way resumes
// as one killed. Call release when the command returns.
func onStop(stderr io.Writer, who, hint string) (ctx context.Context, release func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case sig := <-signals:
			cancel()
			fmt.Fprintf(stderr, "%s: %v: stopping\n", who, sig)
		}
		select {
		case <-done:
			return
		case <-signals:
		case <-time.After(stopGrace):
		}
		fmt.Fprintf(stderr, "%s: stopped before the work in hand was finished; %s\n", who, hint)
		os.Exit(exitFailed)
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(done)
		cancel()
	}
}
