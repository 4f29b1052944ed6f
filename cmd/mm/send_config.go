package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	sdk "github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/paperdir"
)

// startDemoFake starts an in-process fake infrastructure with the demo
// recipients, as mm send --fake and mm fake serve use it.
func startDemoFake(opts ...fakeinfra.Option) (*fakeinfra.Infra, error) {
	infra, err := fakeinfra.New(opts...)
	if err != nil {
		return nil, err
	}
	for _, r := range demoRecipients {
		if err := infra.AddRecipient(r.id, r.opts...); err != nil {
			infra.Close()
			return nil, err
		}
	}
	return infra, nil
}

// config builds the Sender's configuration from the flags, or from an
// in-process fake with --fake (kept in s.infra, for its CA). withFaR
// resolves FaR's endpoints too: a dry run contacts nothing and needs none.
// With --metrics-addr or --trace-file it sets up the telemetry too, and
// says on stderr where the metrics are served. cleanup stops what it
// started, flushing the spans.
func (s *sendShared) config(withFaR bool, stderr io.Writer) (cfg sdk.Config, cleanup func(), err error) {
	cleanup = func() {}
	if s.fake {
		infra, err := startDemoFake()
		if err != nil {
			return cfg, cleanup, err
		}
		s.infra = infra
		cfg = infra.SenderConfig()
		cleanup = infra.Close
	} else if cfg, err = s.conn.config(withFaR); err != nil {
		return cfg, cleanup, err
	}
	if s.paperDir != "" {
		p, err := paperdir.New(s.paperDir, paperdir.Config{})
		if err != nil {
			cleanup()
			return cfg, func() {}, err
		}
		cfg.Paper = p
		prev := cleanup
		cleanup = func() { p.Close(); prev() }
	}
	if s.metricsAddr != "" || s.traceFile != "" {
		t, err := startTelemetry(s.metricsAddr, s.traceFile)
		if err != nil {
			cleanup()
			return cfg, func() {}, err
		}
		t.Apply(&cfg)
		if t.MetricsAddr != "" {
			fmt.Fprintf(stderr, "mm send: metrics at http://%s/metrics\n", t.MetricsAddr)
		}
		prev := cleanup
		cleanup = func() {
			if t.MetricsAddr != "" && s.metricsLinger > 0 {
				linger(s.metricsLinger)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := t.Shutdown(ctx); err != nil {
				fmt.Fprintln(stderr, "mm send: telemetry:", err)
			}
			prev()
		}
	}
	return cfg, cleanup, nil
}

// linger waits d, or until SIGINT or SIGTERM.
func linger(d time.Duration) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
