package forward

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"slices"
	"sync"
)

// The address policy: an operator's address comes from FaR, and an
// intermediary posts signed mail, over its organisation certificate, to
// whatever address FaR names. An answer that names an address inside the
// intermediary's own network — a loopback service, a neighbour on a
// private network, a cloud's metadata service on a link-local address —
// would make it a tool against its own infrastructure. So deliveries go
// only to public addresses, unless Config.AllowLocalNetworks lists the
// network (a test operator on 127.0.0.1, say).
//
// The address checked is the one actually connected to, at dial time, for
// every new connection: a host name is resolved by the dialler, and
// checking a resolution made earlier would let a name that resolves to a
// public address first and to 169.254.169.254 a moment later (DNS
// rebinding) through. With the HTTP client's *http.Transport the check
// runs in its dial function, after the TCP handshake and before a single
// byte is written, TLS included. Another RoundTripper is checked through
// httptrace when it reports its connections (wrappers of *http.Transport
// do), before the request is written; one that does not goes unchecked. A
// proxy configured on an *http.Transport is exempt — its address is the
// configuration's, not FaR's — and resolves operators' names itself: then
// only literal addresses are checked here, and the proxy must keep its own
// egress rules. (Behind another RoundTripper a proxy cannot be told from
// an operator: allow its network if it is a local one.)

// Networks that are not public, with what they are, for the policy and for
// errors. Unspecified, loopback, link-local, private and multicast
// addresses are found by netip's own predicates.
var (
	thisNetwork   = netip.MustParsePrefix("0.0.0.0/8")     // RFC 1122: "this network"; 0.0.0.0 reaches the host itself
	sharedNetwork = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598: carrier-grade NAT; one cloud's metadata service lives here
	nat64Prefix   = netip.MustParsePrefix("64:ff9b::/96")  // RFC 6052: IPv4 addresses reached through NAT64
)

// localClass names the kind of non-public address ip is, or "" for a
// public one.
func localClass(ip netip.Addr) string {
	ip = ip.Unmap()
	if nat64Prefix.Contains(ip) {
		b := ip.As16()
		if c := localClass(netip.AddrFrom4([4]byte(b[12:]))); c != "" {
			return c + " (through NAT64)"
		}
		return ""
	}
	switch {
	case ip.IsUnspecified() || thisNetwork.Contains(ip):
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsLinkLocalUnicast():
		return "link-local (where cloud metadata services answer)"
	case ip.IsPrivate():
		return "private"
	case sharedNetwork.Contains(ip):
		return "shared (carrier-grade NAT)"
	case ip.IsMulticast():
		return "multicast"
	}
	return ""
}

// addressPolicy decides whether an operator may be reached at an address.
type addressPolicy struct {
	allow []netip.Prefix
}

// check refuses a non-public ip that no allowed network holds. host is
// what the address was reached by, for the error.
func (p addressPolicy) check(host string, ip netip.Addr) error {
	ip = ip.Unmap().WithZone("")
	class := localClass(ip)
	if class == "" || slices.ContainsFunc(p.allow, func(n netip.Prefix) bool { return n.Contains(ip) }) {
		return nil
	}
	if host == ip.String() {
		return fmt.Errorf("%w: %s is a %s address; allow its network in AllowLocalNetworks to deliver there", ErrOperatorAddress, ip, class)
	}
	return fmt.Errorf("%w: %s is at %s, a %s address; allow its network in AllowLocalNetworks to deliver there", ErrOperatorAddress, host, ip, class)
}

// checkLiteral checks a URL host that is an IP address, before anything is
// sent; names are checked when connected (see guard).
func (p addressPolicy) checkLiteral(host string) error {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	return p.check(host, ip)
}

// checkConn checks the peer of a connection just made to addr (host:port
// as dialled).
func (p addressPolicy) checkConn(addr string, c net.Conn) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return fmt.Errorf("%w: the connection to %s has no IP peer address (%s)", ErrOperatorAddress, host, c.RemoteAddr())
	}
	return p.check(host, ap.Addr())
}

// guard returns hc with the policy applied to every connection it makes
// (see the policy's comment above). hc itself is not changed.
func (p addressPolicy) guard(hc *http.Client) *http.Client {
	out := *hc
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if t, ok := rt.(*http.Transport); ok {
		out.Transport = p.guardTransport(t.Clone())
	} else {
		out.Transport = traced{rt: rt, p: p}
	}
	return &out
}

// guardTransport checks the peer of every connection t dials, proxies
// excepted.
func (p addressPolicy) guardTransport(t *http.Transport) *http.Transport {
	var proxies sync.Map // host:port of the proxies t was given
	if proxy := t.Proxy; proxy != nil {
		t.Proxy = func(r *http.Request) (*url.URL, error) {
			u, err := proxy(r)
			if u != nil {
				proxies.Store(proxyAddr(u), true)
			}
			return u, err
		}
	}
	wrap := func(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
		return func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if _, proxied := proxies.Load(addr); proxied {
				return c, nil
			}
			if err := p.checkConn(addr, c); err != nil {
				_ = c.Close()
				return nil, err
			}
			return c, nil
		}
	}
	dial := t.DialContext
	//lint:ignore SA1019 a transport may still set only the old field, which DialContext would override
	if old := t.Dial; dial == nil && old != nil {
		dial = func(_ context.Context, network, addr string) (net.Conn, error) { return old(network, addr) }
	}
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	t.DialContext = wrap(dial)
	if t.DialTLSContext != nil {
		t.DialTLSContext = wrap(t.DialTLSContext)
	}
	return t
}

// proxyAddr is the host:port a transport dials to reach proxy u.
func proxyAddr(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	return net.JoinHostPort(u.Hostname(), port)
}

// traced applies the policy to a RoundTripper that is not an
// *http.Transport, through the connections it reports to httptrace: a
// refused connection is closed before the request is written on it, and
// the refusal is the call's error.
type traced struct {
	rt http.RoundTripper
	p  addressPolicy
}

func (t traced) RoundTrip(r *http.Request) (*http.Response, error) {
	var refused error
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if err := t.p.checkConn(r.URL.Host, info.Conn); err != nil {
			mu.Lock()
			refused = err
			mu.Unlock()
			_ = info.Conn.Close()
		}
	}}
	resp, err := t.rt.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
	mu.Lock()
	defer mu.Unlock()
	if refused != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, refused
	}
	return resp, err
}
