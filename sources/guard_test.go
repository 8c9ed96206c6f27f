package sources

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/veille-hq/veille/signals"
)

func TestIsPrivateAddr(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		private bool
	}{
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"0.1.2.3", true},
		{"198.18.0.1", true}, {"192.0.0.8", true}, {"224.0.0.1", true}, {"255.255.255.255", true},
		{"::1", true}, {"::", true}, {"fd00::1", true}, {"fe80::1%eth0", true}, {"fec0::1", true}, {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, // IPv4-mapped
		{"::127.0.0.1", true}, {"::8.8.8.8", true}, // IPv4-compatible, deprecated
		{"64:ff9b::127.0.0.1", true}, {"64:ff9b::10.0.0.1", true}, {"64:ff9b::169.254.169.254", true}, // NAT64
		{"64:ff9b:1::1", true},     // local-use NAT64
		{"2002:7f00:1::1", true},   // 6to4 of 127.0.0.1
		{"2002:c0a8:101::1", true}, // 6to4 of 192.168.1.1
		{"2001::1", true},          // Teredo
		{"2001:db8::1", true},      // documentation
		{"8.8.8.8", false}, {"93.184.216.34", false}, {"2606:4700::1111", false},
		{"::ffff:8.8.8.8", false}, {"64:ff9b::8.8.8.8", false}, {"2002:808:808::1", false},
	} {
		a := netip.MustParseAddr(tc.addr)
		if got := isPrivateAddr(netip.AddrPortFrom(a, 80)); got != tc.private {
			t.Errorf("isPrivateAddr(%s) = %v, want %v", tc.addr, got, tc.private)
		}
	}
}

func TestLiteralAddr(t *testing.T) {
	for _, tc := range []struct{ host, want string }{
		{"2130706433", "127.0.0.1"}, {"0x7f000001", "127.0.0.1"}, {"0177.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"}, {"127.0.1", "127.0.0.1"}, {"0x7f.1", "127.0.0.1"}, {"017700000001", "127.0.0.1"},
		{"10.0.0.1.", "10.0.0.1"}, {"[::127.0.0.1]", "::7f00:1"}, {"[::ffff:127.0.0.1]", "::ffff:127.0.0.1"},
		{"0", "0.0.0.0"}, {"167772161", "10.0.0.1"},
		{"example.com", ""}, {"1.2.3.4.5", ""}, {"256.1.1.1", ""}, {"4294967296", ""}, {"1.2.65536", ""},
		{"08.1.1.1", ""}, {"cafe", ""}, {"0x", "0.0.0.0"}, {"", ""},
	} {
		a, ok := literalAddr(tc.host)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("literalAddr(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
}

// TestGuardAtConnect runs a public source (a loopback port counted as
// public) whose redirects, direct or through an HTTP proxy, lead to a
// private server in every disguise, with names answered by a test
// resolver. None may reach it, but for a source configured on a private
// address or a range fetch.allow_private lists.
func TestGuardAtConnect(t *testing.T) {
	var reached atomic.Int32
	private := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Write(readFixture(t, "atom.xml"))
	})
	pPort := portOf(t, private)
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
		case "/feed":
			w.Write(readFixture(t, "atom.xml"))
		}
	})
	sPort := portOf(t, public)
	names := map[string][]netip.Addr{
		"public.test": {netip.MustParseAddr("127.0.0.1")},
		"evil.test":   {netip.MustParseAddr("127.0.0.1")},
		// One public address among private ones, as an attacker's DNS answers.
		"mixed.test": {netip.MustParseAddr("10.255.255.1"), netip.MustParseAddr("127.0.0.1")},
		"v6.test":    {netip.MustParseAddr("::ffff:127.0.0.1")},
	}
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := names[strings.ToLower(host)]; ok {
			return a, nil
		}
		return nil, fmt.Errorf("lookup %s: no such host", host)
	}
	// Addresses are private as usual, but the public server's.
	publicAP := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), sPort)
	private4test := func(ap netip.AddrPort) bool { return ap != publicAP && isPrivateAddr(ap) }
	newFetcher := func(t *testing.T, allow ...netip.Prefix) *Fetcher {
		f := testFetcher(t, Options{})
		f.guard = guard{private: privateUnless(allow, private4test), lookup: lookup}
		f.client = newClient(f.opt, f.guard)
		return f
	}
	publicURL := fmt.Sprintf("http://public.test:%d", sPort)
	targets := []string{
		fmt.Sprintf("http://127.0.0.1:%d/feed", pPort),
		fmt.Sprintf("http://2130706433:%d/feed", pPort),
		fmt.Sprintf("http://0x7f.1:%d/feed", pPort),
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/feed", pPort),
		fmt.Sprintf("http://[::127.0.0.1]:%d/feed", pPort),
		fmt.Sprintf("http://[64:ff9b::127.0.0.1]:%d/feed", pPort),
		fmt.Sprintf("http://localhost:%d/feed", pPort),
		fmt.Sprintf("http://evil.test:%d/feed", pPort),
		fmt.Sprintf("http://v6.test:%d/feed", pPort),
	}
	refused := func(t *testing.T, f *Fetcher, src string) {
		t.Helper()
		_, st, err := f.Fetch(context.Background(), feedSource(src), signals.SourceState{})
		if err == nil || st.ErrorKind != signals.ErrPrivate {
			t.Errorf("%s: err %v (kind %q), want private_address", src, err, st.ErrorKind)
		}
	}
	t.Run("redirects", func(t *testing.T) {
		for _, to := range targets {
			refused(t, newFetcher(t), publicURL+"/redirect?to="+to)
		}
	})
	t.Run("a private address in the DNS answer keeps the guard on", func(t *testing.T) {
		f := newFetcher(t)
		res, _, err := f.Fetch(context.Background(), feedSource(fmt.Sprintf("http://mixed.test:%d/feed", sPort)), signals.SourceState{})
		if err != nil || len(res.Items) != 2 {
			t.Fatalf("the configured mixed host itself: %d items, %v; want its public address used", len(res.Items), err)
		}
		refused(t, f, fmt.Sprintf("http://mixed.test:%d/redirect?to=http://evil.test:%d/feed", sPort, pPort))
	})
	t.Run("behind a proxy", func(t *testing.T) {
		// The proxy plays the whole web: it follows nothing itself and
		// serves what the request's URL names.
		proxy := serve(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Hostname() {
			case "public.test":
				http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
				return
			case "unresolvable.example":
			default:
				reached.Add(1)
			}
			w.Write(readFixture(t, "atom.xml"))
		})
		t.Setenv("HTTP_PROXY", proxy.URL)
		t.Setenv("NO_PROXY", "")
		f := newFetcher(t)
		for _, name := range []string{"evil.test", "v6.test", "2130706433", "localhost.", "sub.localhost"} {
			refused(t, f, fmt.Sprintf("%s/redirect?to=http://%s:%d/feed", publicURL, name, pPort))
		}
		res, _, err := f.Fetch(context.Background(), feedSource("http://unresolvable.example/feed"), signals.SourceState{})
		if err != nil || len(res.Items) != 2 {
			t.Errorf("a name only the proxy resolves: %d items, %v; want it fetched through the proxy", len(res.Items), err)
		}
	})
	if n := reached.Load(); n != 0 {
		t.Errorf("private server reached %d times", n)
	}
	t.Run("configured private url and its redirects", func(t *testing.T) {
		f := newFetcher(t)
		for _, src := range []string{
			fmt.Sprintf("http://127.0.0.1:%d/feed", pPort),
			fmt.Sprintf("http://2130706433:%d/feed", pPort),
			fmt.Sprintf("http://localhost:%d/feed", pPort),
		} {
			if res, _, err := f.Fetch(context.Background(), feedSource(src), signals.SourceState{}); err != nil || len(res.Items) != 2 {
				t.Errorf("%s: %d items, %v; want the configured private URL fetched", src, len(res.Items), err)
			}
		}
	})
	t.Run("fetch.allow_private", func(t *testing.T) {
		before := reached.Load()
		f := newFetcher(t, netip.MustParsePrefix("127.0.0.0/8"))
		for _, to := range []string{targets[0], targets[1], targets[3], targets[7]} {
			if res, _, err := f.Fetch(context.Background(), feedSource(publicURL+"/redirect?to="+to), signals.SourceState{}); err != nil || len(res.Items) != 2 {
				t.Errorf("redirect to %s in an allowed range: %d items, %v", to, len(res.Items), err)
			}
		}
		if reached.Load() == before {
			t.Error("allowed private server never reached")
		}
		refused(t, newFetcher(t, netip.MustParsePrefix("10.0.0.0/8")), publicURL+"/redirect?to="+targets[0])
	})
}
