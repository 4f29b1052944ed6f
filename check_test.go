package mm_test

import (
	"context"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	ctx := context.Background()
	check := func(cfg mm.Config) (*mm.CheckReport, error) {
		s, err := mm.New(cfg)
		require.NoError(t, err)
		return s.Check(ctx)
	}

	rep, err := check(infra.SenderConfig())
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Empty(t, rep.Warnings)
	// Every check is listed with its outcome.
	var names []string
	for _, c := range rep.Checks {
		assert.Equal(t, mm.CheckOK, c.Status, c.Name)
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"signing certificate of 162021004748", "sender 162021004748 registered in the Authority register", "sender 162021004748 accepted (isSenderAccepted)"}, names)

	// A sender the Authority register does not know.
	id, err := infra.Issue("165590040001", "Okänd AB")
	require.NoError(t, err)
	stranger := id.Signer
	cfg := infra.SenderConfig()
	cfg.Sender, cfg.Signer = message.Sender{ID: "165590040001", Name: "Okänd AB"}, stranger
	rep, err = check(cfg)
	assert.ErrorIs(t, err, mm.ErrPreflight)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "not registered")
	require.Len(t, rep.Checks, 2)
	assert.Equal(t, mm.CheckProblem, rep.Checks[1].Status)
	assert.Equal(t, rep.Problems[0], rep.Checks[1].Detail)

	// A registered sender the register does not accept (isSenderAccepted
	// false), and the same sender once accepted again.
	kommunC, err := infra.AddSender("165590050000", "Kommun C")
	require.NoError(t, err)
	require.NoError(t, infra.SetSenderAccepted("165590050000", false))
	cfg = infra.SenderConfig()
	cfg.Sender, cfg.Signer = message.Sender{ID: "165590050000", Name: "Kommun C"}, kommunC
	before := infra.Requests(fakeinfra.EndpointAuthority)
	rep, err = check(cfg)
	assert.ErrorIs(t, err, mm.ErrPreflight)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "the sender 165590050000 is registered but not accepted by the Authority register (isSenderAccepted is false)")
	assert.Equal(t, before+2, infra.Requests(fakeinfra.EndpointAuthority), "getSenders and isSenderAccepted")
	require.NoError(t, infra.SetSenderAccepted("165590050000", true))
	rep, err = check(cfg)
	require.NoError(t, err)
	assert.True(t, rep.OK())

	// An intermediary the register does not allow for the sender.
	other, err := infra.AddSender("165590030002", "Kommun B")
	require.NoError(t, err)
	cfg = infra.SenderConfig()
	cfg.Intermediary = other
	rep, err = check(cfg)
	assert.ErrorIs(t, err, mm.ErrPreflight)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "165590030002 seals for 162021004748 but is not an intermediary allowed")

	// One that it does.
	broker, err := infra.AddIntermediary("165566778899", "Förmedlare AB", infra.Sender().ID)
	require.NoError(t, err)
	cfg.Intermediary = broker
	rep, err = check(cfg)
	require.NoError(t, err)
	assert.True(t, rep.OK())

	// A certificate close to expiry warns; an expired one is a problem.
	notAfter := infra.SenderSigner().Certificate().NotAfter
	cfg = infra.SenderConfig()
	cfg.Now = func() time.Time { return notAfter.Add(-10 * 24 * time.Hour) }
	rep, err = check(cfg)
	require.NoError(t, err)
	require.Len(t, rep.Warnings, 1)
	assert.Contains(t, rep.Warnings[0], "within 30 days")
	cfg.Now = func() time.Time { return notAfter.Add(time.Hour) }
	rep, err = check(cfg)
	assert.ErrorIs(t, err, mm.ErrPreflight)
	assert.Contains(t, rep.Problems[0], "expired")
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	for name, mod := range map[string]func(*mm.Config){
		"no sender":          func(c *mm.Config) { c.Sender = message.Sender{} },
		"no signer":          func(c *mm.Config) { c.Signer = nil },
		"no FaR":             func(c *mm.Config) { c.FaR.Recipient = "" },
		"signer for another": func(c *mm.Config) { c.Sender.ID = "165590030002" },
		"bad paper policy":   func(c *mm.Config) { c.PaperPolicy = map[securityclass.Class]mm.PaperPolicy{7: mm.PaperOnly} },
	} {
		cfg := infra.SenderConfig()
		mod(&cfg)
		_, err := mm.New(cfg)
		assert.ErrorIs(t, err, mm.ErrConfig, name)
	}
}
