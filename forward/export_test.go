package forward

import "net/netip"

// CheckAddress applies the address policy with the networks allow to ip,
// reached as host.
func CheckAddress(allow []netip.Prefix, host string, ip netip.Addr) error {
	return addressPolicy{allow: allow}.check(host, ip)
}
