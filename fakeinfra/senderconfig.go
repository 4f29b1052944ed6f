package fakeinfra

import (
	"net/netip"
	"net/url"
	"slices"
	"time"

	"github.com/avsandare/mm"
)

// SenderConfig returns a ready configuration for mm.New that sends as the
// fake's default sender through the fake: its FaR endpoints, its CA as the
// roots to trust, the sender's certificate for signing, sealing and TLS,
// the fake operators' loopback addresses allowed by the address policy
// (LocalNetworks), and short retry waits so that tests of failures run
// quickly. Add a paper hook, a logger and the rest as the test needs.
//
//	sender, err := mm.New(infra.SenderConfig())
func (i *Infra) SenderConfig() mm.Config {
	return mm.Config{
		Sender:                     i.sender,
		Signer:                     i.SenderSigner(),
		FaR:                        i.FaR(),
		Roots:                      i.Roots(),
		AllowLocalOperatorNetworks: i.LocalNetworks(),
		RetryWaitMin:               10 * time.Millisecond,
		RetryWaitMax:               100 * time.Millisecond,
	}
}

// LocalNetworks are the loopback addresses the fake's operators listen on,
// each as a one-address prefix, for forward.Config.AllowLocalNetworks and
// mm.Config.AllowLocalOperatorNetworks: operators on loopback addresses are
// refused unless allowed so.
func (i *Infra) LocalNetworks() []netip.Prefix {
	var out []netip.Prefix
	for _, name := range i.opOrder {
		u, err := url.Parse(i.operators[name].serviceAddress())
		if err != nil {
			continue
		}
		ip, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			continue // httptest listens on an address, never a name
		}
		if p := netip.PrefixFrom(ip, ip.BitLen()); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
