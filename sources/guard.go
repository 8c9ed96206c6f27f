package sources

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// errPrivateAddress is returned when a URL found in content (a redirect, an
// autodiscovered feed) leads to a private or loopback address while the
// configured URL is on a public one.
var errPrivateAddress = errors.New("private or loopback address not allowed")

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// isPrivateAddr reports whether a is loopback, private, link-local,
// unspecified, multicast or carrier-grade NAT.
func isPrivateAddr(ap netip.AddrPort) bool {
	a := ap.Addr().Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || cgnat.Contains(a) ||
		(a.Is4() && a.As4()[0] == 0)
}

type allowPrivateKey struct{}

// withAllowPrivate marks ctx's requests as belonging to a source whose
// configured URL is itself on a private address.
func withAllowPrivate(ctx context.Context, allow bool) context.Context {
	return context.WithValue(ctx, allowPrivateKey{}, allow)
}

func allowsPrivate(ctx context.Context) bool {
	allow, _ := ctx.Value(allowPrivateKey{}).(bool)
	return allow
}

// guardControl refuses, at dial time and after name resolution, connections
// to addresses private says are private. Checking the dialled address, not
// the name, also defeats DNS rebinding.
func guardControl(private func(netip.AddrPort) bool) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, _, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if private(ap) {
			return errPrivateAddress
		}
		return nil
	}
}

// hostIsPrivate reports whether host (from a configured URL, with port)
// is, or resolves to, a private address. Resolution failures count as
// public: the dial then fails on its own.
func hostIsPrivate(ctx context.Context, hostport string, defaultPort uint16, private func(netip.AddrPort) bool) bool {
	host, port := splitHostPort(hostport, defaultPort)
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return private(netip.AddrPortFrom(a, port))
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if private(netip.AddrPortFrom(a, port)) {
			return true
		}
	}
	return false
}

// literalIsPrivate reports whether hostport names localhost or is a private
// IP literal; it needs no resolution, so redirects are checked with it even
// when a proxy does the dialling.
func literalIsPrivate(hostport string, defaultPort uint16, private func(netip.AddrPort) bool) bool {
	host, port := splitHostPort(hostport, defaultPort)
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && private(netip.AddrPortFrom(a, port))
}

func splitHostPort(hostport string, defaultPort uint16) (string, uint16) {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return strings.Trim(hostport, "[]"), defaultPort
	}
	ap, err := netip.ParseAddrPort("0.0.0.0:" + p)
	if err != nil {
		return host, defaultPort
	}
	return host, ap.Port()
}

func schemePort(scheme string) uint16 {
	if scheme == "https" {
		return 443
	}
	return 80
}
