package sources

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// errPrivateAddress is returned when a URL found in content (a redirect, an
// autodiscovered feed) leads to a private or loopback address while the
// configured URL is on a public one.
var errPrivateAddress = errors.New("private or loopback address not allowed")

// nonPublic are the ranges no public site lives in, beyond those netip
// names (loopback, private, link-local, multicast, unspecified).
var nonPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"
		"100.64.0.0/10",   // carrier-grade NAT
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"240.0.0.0/4",     // reserved, and the broadcast address
		"::/96",           // IPv4-compatible (deprecated): ::127.0.0.1 reaches loopback on some stacks
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard
		"2001::/32",       // Teredo, whose client address is hidden
		"2001:db8::/32",   // documentation
		"fec0::/10",       // site-local (deprecated)
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052: the IPv4 address is the last 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056: the IPv4 address is bits 16 to 48
)

// isPrivateAddr reports whether ap's address is not a public unicast one:
// loopback, private, link-local, unspecified, multicast, carrier-grade NAT,
// reserved, documentation ranges, and IPv6 addresses that embed a private
// IPv4 one (IPv4-mapped, NAT64, 6to4).
func isPrivateAddr(ap netip.AddrPort) bool { return isPrivateIP(ap.Addr()) }

func isPrivateIP(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	if !a.IsValid() {
		return true
	}
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return true
		}
	}
	if v4, ok := embeddedIPv4(a); ok {
		return isPrivateIP(v4)
	}
	return false
}

// embeddedIPv4 returns the IPv4 address a NAT64 or 6to4 address carries.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// privateUnless wraps private so that the addresses in allow (the admin's
// fetch.allow_private) count as public; an IPv6 address embedding an IPv4
// one is allowed when either is.
func privateUnless(allow []netip.Prefix, private func(netip.AddrPort) bool) func(netip.AddrPort) bool {
	if len(allow) == 0 {
		return private
	}
	return func(ap netip.AddrPort) bool {
		a := ap.Addr().WithZone("").Unmap()
		candidates := []netip.Addr{a}
		if v4, ok := embeddedIPv4(a); ok {
			candidates = append(candidates, v4)
		}
		for _, c := range candidates {
			for _, p := range allow {
				if p.Contains(c) {
					return false
				}
			}
		}
		return private(ap)
	}
}

// lookupFunc resolves a host name to its addresses.
type lookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

func systemLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// guard decides which addresses a request may reach: private says what is
// private (fetch.allow_private taken out), lookup resolves names. Every
// connection resolves through it, so the address checked is the address
// dialled.
type guard struct {
	private func(netip.AddrPort) bool
	lookup  lookupFunc
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

// guardControl refuses, at dial time, a connection to an address private
// says is private: the last word, whatever resolved the name.
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

// hostAddrs returns the addresses host stands for: itself when it is an IP
// literal in any form a resolver or a proxy would accept (2130706433,
// 0x7f.1, [::ffff:127.0.0.1]), the loopback for localhost names, else what
// lookup answers.
func (g guard) hostAddrs(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, ok := literalAddr(host); ok {
		return []netip.Addr{a}, nil
	}
	if isLocalhost(host) {
		return []netip.Addr{netip.IPv6Loopback(), netip.MustParseAddr("127.0.0.1")}, nil
	}
	return g.lookup(ctx, host)
}

// configuredPrivate reports whether a configured URL's host is on a private
// address: an IP literal or localhost that is, or a name every address of
// which is. A name with one public address among private ones is public: a
// DNS answer must not turn the guard off for the source's redirects.
// Resolution failures count as public; the dial then fails on its own.
func (g guard) configuredPrivate(ctx context.Context, hostport string, defaultPort uint16) bool {
	host, port := splitHostPort(hostport, defaultPort)
	addrs, err := g.hostAddrs(ctx, host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !g.private(netip.AddrPortFrom(a, port)) {
			return false
		}
	}
	return true
}

// anyPrivate reports whether host, at port, stands for a private address,
// for a request a proxy connects: the proxy may pick any of them. A name
// that does not resolve here is left to the proxy, which often has the
// only resolver that knows it.
func (g guard) anyPrivate(ctx context.Context, host string, port uint16) bool {
	addrs, err := g.hostAddrs(ctx, host)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if g.private(netip.AddrPortFrom(a, port)) {
			return true
		}
	}
	return false
}

// literalIsPrivate reports whether hostport names localhost or is a private
// IP literal; it needs no resolution.
func (g guard) literalIsPrivate(hostport string, defaultPort uint16) bool {
	host, port := splitHostPort(hostport, defaultPort)
	if isLocalhost(host) {
		return true
	}
	a, ok := literalAddr(host)
	return ok && g.private(netip.AddrPortFrom(a, port))
}

func isLocalhost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// literalAddr parses host as an IP address: the usual forms, and the
// shorthand IPv4 forms inet_aton (hence getaddrinfo, curl and many
// proxies) accepts: 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
func literalAddr(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true
	}
	return parseLegacyIPv4(h)
}

// parseLegacyIPv4 parses the inet_aton forms: one to four parts, each
// decimal, octal (leading 0) or hex (0x), the last filling the bytes left.
func parseLegacyIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if s == "" || len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base, digits := 10, p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func splitHostPort(hostport string, defaultPort uint16) (string, uint16) {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return strings.Trim(hostport, "[]"), defaultPort
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil {
		return host, defaultPort
	}
	return host, uint16(port)
}

func schemePort(scheme string) uint16 {
	if scheme == "https" {
		return 443
	}
	return 80
}
