package forward_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every class of non-public address is refused by default and passes
// once its network is allowed; public addresses pass.
func TestAddressClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr  string
		class string // "" for public
		allow string
	}{
		{"127.0.0.1", "loopback", "127.0.0.0/8"},
		{"127.3.2.1", "loopback", "127.3.0.0/16"},
		{"::1", "loopback", "::1/128"},
		{"169.254.169.254", "link-local (where cloud metadata services answer)", "169.254.169.254/32"},
		{"fe80::1", "link-local (where cloud metadata services answer)", "fe80::/10"},
		{"fe80::1%eth0", "link-local (where cloud metadata services answer)", "fe80::/64"},
		{"10.0.0.1", "private", "10.0.0.0/8"},
		{"172.16.5.4", "private", "172.16.0.0/12"},
		{"192.168.1.1", "private", "192.168.1.0/24"},
		{"fc00::1", "private", "fc00::/7"},
		{"fd00:ec2::254", "private", "fd00:ec2::/32"},
		{"100.100.100.200", "shared (carrier-grade NAT)", "100.64.0.0/10"},
		{"0.0.0.0", "unspecified", "0.0.0.0/32"},
		{"0.1.2.3", "unspecified", "0.0.0.0/8"},
		{"::", "unspecified", "::/128"},
		{"224.0.0.1", "multicast", "224.0.0.0/4"},
		// The same addresses in other clothes.
		{"::ffff:169.254.169.254", "link-local (where cloud metadata services answer)", "169.254.0.0/16"},
		{"::ffff:10.1.2.3", "private", "10.0.0.0/8"},
		{"64:ff9b::a9fe:a9fe", "link-local (where cloud metadata services answer) (through NAT64)", "64:ff9b::/96"},
		// Public.
		{"8.8.8.8", "", ""},
		{"2001:4860:4860::8888", "", ""},
		{"64:ff9b::808:808", "", ""},
		{"172.32.0.1", "", ""},
		{"100.128.0.1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			ip := netip.MustParseAddr(tt.addr)
			err := forward.CheckAddress(nil, tt.addr, ip)
			if tt.class == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, forward.ErrOperatorAddress)
			assert.Contains(t, err.Error(), "a "+tt.class+" address")
			assert.Contains(t, err.Error(), "AllowLocalNetworks")
			allowed := []netip.Prefix{netip.MustParsePrefix(tt.allow)}
			assert.NoError(t, forward.CheckAddress(allowed, tt.addr, ip), "allowed by %s", tt.allow)
			// Another network does not allow it.
			assert.ErrorIs(t, forward.CheckAddress([]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, tt.addr, ip), forward.ErrOperatorAddress)
		})
	}
	// A name is named with the address it reached.
	err := forward.CheckAddress(nil, "metadata.internal", netip.MustParseAddr("169.254.169.254"))
	assert.ErrorContains(t, err, "metadata.internal is at 169.254.169.254, a link-local")
}

// Through the client: a literal local address is refused before anything
// is sent (no connection at all), and reached once allowed.
func TestLocalOperatorAddresses(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	kivra := operator(t, infra, "kivra")
	ctx := context.Background()
	require.True(t, strings.HasPrefix(kivra.ServiceAddress, "https://127.0.0.1:"), kivra.ServiceAddress)

	strict := newClient(t, infra, func(cfg *forward.Config) { cfg.AllowLocalNetworks = nil })
	_, err := strict.Deliver(ctx, kivra, delivery(infra, alice), infra.SenderSigner())
	require.ErrorIs(t, err, forward.ErrOperatorAddress)
	assert.ErrorContains(t, err, "127.0.0.1 is a loopback address")
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))

	for _, op := range []message.Operator{
		{ID: kivra.ID, Name: "metadata", ServiceAddress: "https://169.254.169.254/latest/meta-data/"},
		{ID: kivra.ID, Name: "v6 metadata", ServiceAddress: "https://[fd00:ec2::254]/"},
		{ID: kivra.ID, Name: "mapped", ServiceAddress: "https://[::ffff:a9fe:a9fe]/"},
		{ID: kivra.ID, Name: "private", ServiceAddress: "https://10.1.2.3:8443/service/v3"},
	} {
		_, err := strict.Deliver(ctx, op, delivery(infra, alice), infra.SenderSigner())
		require.ErrorIs(t, err, forward.ErrOperatorAddress, op.Name)
		var fe *forward.Error
		assert.False(t, errors.As(err, &fe), "%s: refused locally, before any attempt", op.Name)
	}

	deliveredWith(t, infra, kivra, "127.0.0.1/32")
}

// deliveredWith delivers to op with only the networks allow allowed, and
// checks that the delivery went through.
func deliveredWith(t *testing.T, infra *fakeinfra.Infra, op message.Operator, allow ...string) {
	t.Helper()
	var nets []netip.Prefix
	for _, a := range allow {
		nets = append(nets, netip.MustParsePrefix(a))
	}
	c := newClient(t, infra, func(cfg *forward.Config) { cfg.AllowLocalNetworks = nets })
	proof, err := c.Deliver(context.Background(), op, delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
}

// A host name is checked by the address it is connected to: "localhost"
// (from the hosts file) is refused as loopback, after the TCP handshake and
// before any byte is sent, and the delivery failed with nothing sent.
func TestNameResolvingToLoopback(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	kivra := operator(t, infra, "kivra")
	kivra.ServiceAddress = strings.Replace(kivra.ServiceAddress, "127.0.0.1", "localhost", 1)
	ctx := context.Background()

	strict := newClient(t, infra, func(cfg *forward.Config) { cfg.AllowLocalNetworks = nil })
	_, err := strict.Deliver(ctx, kivra, delivery(infra, alice), infra.SenderSigner())
	require.ErrorIs(t, err, forward.ErrOperatorAddress)
	assert.Regexp(t, `localhost is at (127\.0\.0\.1|::1), a loopback address`, err.Error())
	var fe *forward.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, receipt.StateFailed, fe.Receipt.State)
	assert.Empty(t, fe.Receipt.SealedSHA256, "no request went out")
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")))
	assert.Equal(t, 1, fe.Receipt.Attempts, "a refusal is not retried")

	deliveredWith(t, infra, kivra, "127.0.0.0/8", "::1/128")
}

// DNS rebinding: what a name resolved to before says nothing of the next
// connection. A resolver that answers an allowed address first and another
// loopback address next (here, a dialler doing the resolving) gets the
// first connection through and the second refused, by the address it
// really reached.
func TestRebindingIsCheckedPerConnection(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	require.NoError(t, infra.AddRecipient(bob, fakeinfra.Mailbox("kivra")))
	kivra := operator(t, infra, "kivra")
	u, err := url.Parse(kivra.ServiceAddress)
	require.NoError(t, err)
	port := u.Port()

	// The same port on 127.0.0.2 is a stranger's server.
	var strangerSaw atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			strangerSaw.Add(1)
			_ = c.Close()
		}
	}()
	var dials atomic.Int64
	base := httpClient(t, infra, infra.SenderSigner().TLSCertificate(), 0)
	tr := base.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	tr.TLSClientConfig.ServerName = "localhost" // what the fake's certificate names
	tr.DisableKeepAlives = true                 // every call a new connection, a new resolution
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		target := "127.0.0.1:" + port
		if dials.Add(1) > 1 {
			target = ln.Addr().String()
		}
		var d net.Dialer
		return d.DialContext(ctx, network, target)
	}
	c := newClient(t, infra, func(cfg *forward.Config) {
		cfg.HTTPClient = &http.Client{Transport: tr}
		cfg.AllowLocalNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	op := message.Operator{ID: kivra.ID, Name: kivra.Name, ServiceAddress: "https://operator.example:" + port + "/service/v3"}

	proof, err := c.Deliver(context.Background(), op, delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)

	_, err = c.Deliver(context.Background(), op, delivery(infra, bob), infra.SenderSigner())
	require.ErrorIs(t, err, forward.ErrOperatorAddress)
	assert.ErrorContains(t, err, "operator.example is at 127.0.0.2, a loopback address")
	assert.Len(t, infra.Mailbox(bob), 0)
	assert.Equal(t, int64(2), dials.Load())
}

// wrapper is a RoundTripper around an *http.Transport, as tracing and
// metrics middleware make one.
type wrapper struct{ rt http.RoundTripper }

func (w wrapper) RoundTrip(r *http.Request) (*http.Response, error) { return w.rt.RoundTrip(r) }

// Behind another RoundTripper the connection is checked through httptrace,
// before the request is written on it.
func TestAddressPolicyThroughAnotherRoundTripper(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	kivra := operator(t, infra, "kivra")
	kivra.ServiceAddress = strings.Replace(kivra.ServiceAddress, "127.0.0.1", "localhost", 1)
	wrapped := &http.Client{Transport: wrapper{httpClient(t, infra, infra.SenderSigner().TLSCertificate(), 0).Transport}}

	strict := newClient(t, infra, func(cfg *forward.Config) { cfg.HTTPClient, cfg.AllowLocalNetworks = wrapped, nil })
	_, err := strict.Deliver(context.Background(), kivra, delivery(infra, alice), infra.SenderSigner())
	require.ErrorIs(t, err, forward.ErrOperatorAddress)
	assert.Regexp(t, `localhost is at (127\.0\.0\.1|::1), a loopback address`, err.Error())
	assert.Zero(t, infra.Requests(fakeinfra.OperatorEndpoint("kivra")), "the request was not written")

	allowed := newClient(t, infra, func(cfg *forward.Config) { cfg.HTTPClient = wrapped })
	proof, err := allowed.Deliver(context.Background(), kivra, delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
}

// connectProxy is an HTTP CONNECT proxy on loopback that counts tunnels.
func connectProxy(t *testing.T) (*url.URL, *atomic.Int64) {
	t.Helper()
	var tunnels atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		tunnels.Add(1)
		w.WriteHeader(http.StatusOK)
		down, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			_ = up.Close()
			return
		}
		go func() { _, _ = io.Copy(up, down); _ = up.Close() }()
		_, _ = io.Copy(down, up)
		_ = down.Close()
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	return u, &tunnels
}

// A proxy the transport is configured with is the configuration's, not
// FaR's: dialling it is not refused though it is on loopback. The proxy
// resolves names itself, so behind it only literal addresses are checked.
func TestAddressPolicyWithProxy(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	require.NoError(t, infra.AddRecipient(alice, fakeinfra.Mailbox("kivra")))
	kivra := operator(t, infra, "kivra")
	proxy, tunnels := connectProxy(t)
	hc := httpClient(t, infra, infra.SenderSigner().TLSCertificate(), 0)
	tr := hc.Transport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyURL(proxy)
	c := newClient(t, infra, func(cfg *forward.Config) { cfg.HTTPClient, cfg.AllowLocalNetworks = &http.Client{Transport: tr}, nil })

	_, err := c.Deliver(context.Background(), kivra, delivery(infra, alice), infra.SenderSigner())
	require.ErrorIs(t, err, forward.ErrOperatorAddress, "a literal loopback address, proxy or not")
	assert.Zero(t, tunnels.Load())

	byName := kivra
	byName.ServiceAddress = strings.Replace(kivra.ServiceAddress, "127.0.0.1", "localhost", 1)
	proof, err := c.Deliver(context.Background(), byName, delivery(infra, alice), infra.SenderSigner())
	require.NoError(t, err)
	assert.Equal(t, receipt.StateDelivered, proof.Receipt.State)
	// Through the proxy: at least one tunnel (the transport may open a
	// second one when it redials, which is not what this test is about).
	assert.GreaterOrEqual(t, tunnels.Load(), int64(1), "through the proxy")
}

// Whatever form an IPv4 address comes in — plain, IPv4-mapped IPv6, or
// behind the NAT64 prefix — the policy decides alike, allowed networks
// included.
func FuzzAddressForms(f *testing.F) {
	for _, s := range []string{"169.254.169.254", "127.0.0.1", "10.1.2.3", "100.100.100.200", "8.8.8.8", "0.0.0.0", "192.168.0.1"} {
		f.Add(netip.MustParseAddr(s).AsSlice(), uint8(8))
	}
	f.Fuzz(func(t *testing.T, b []byte, bits uint8) {
		if len(b) != 4 {
			return
		}
		v4 := netip.AddrFrom4([4]byte(b))
		mapped := netip.AddrFrom16(v4.As16())
		var n [16]byte
		copy(n[:], netip.MustParseAddr("64:ff9b::").AsSlice())
		copy(n[12:], b)
		nat64 := netip.AddrFrom16(n)
		allow, err := v4.Prefix(int(bits % 33))
		require.NoError(t, err)
		for _, nets := range [][]netip.Prefix{nil, {allow}} {
			want := forward.CheckAddress(nets, "h", v4) == nil
			assert.Equal(t, want, forward.CheckAddress(nets, "h", mapped) == nil, "%s mapped, allowed %v", v4, nets)
			if nets == nil { // an allowed v4 network does not name the NAT64 form
				assert.Equal(t, want, forward.CheckAddress(nets, "h", nat64) == nil, "%s via NAT64", v4)
			}
		}
	})
}
