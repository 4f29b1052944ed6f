// Package testsender starts what the tests of mm and mailing send through:
// a fresh fake infrastructure, a paper directory, and a Sender configured
// for both.
package testsender

import (
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/paperdir"
)

// Setup is a Sender with the fake it sends to and the folder its paper
// letters go to.
type Setup struct {
	Infra  *fakeinfra.Infra
	Sender *mm.Sender
	Paper  *paperdir.Dir
}

// Start starts a fake and a paper directory that stop with the test, and a
// Sender with the fake's configuration, the paper directory, and then each
// of mod applied.
func Start(t testing.TB, mod ...func(*mm.Config)) *Setup {
	t.Helper()
	infra := fakeinfra.Start(t)
	paper, err := paperdir.New(t.TempDir(), paperdir.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = paper.Close() })
	cfg := infra.SenderConfig()
	cfg.Paper = paper
	for _, m := range mod {
		m(&cfg)
	}
	s, err := mm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Setup{Infra: infra, Sender: s, Paper: paper}
}
