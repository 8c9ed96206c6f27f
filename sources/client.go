package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/veille-hq/veille/signals"
)

var (
	errRedirectLoop      = errors.New("redirect loop")
	errTooManyRedirects  = fmt.Errorf("more than %d redirects", maxRedirects)
	errUnsupportedScheme = errors.New("scheme must be http or https")
)

// newClient builds the one HTTP client every fetch shares. Requests of a
// source whose configured URL is public go through a transport that refuses
// to connect to private addresses; the others through one that allows them.
// Both resolve names through g and check each address when dialling it,
// redirects included; a request a proxy connects is checked by the
// addresses its host resolves to here.
func newClient(o Options, g guard) *http.Client {
	proxy := httpproxy.FromEnvironment()
	proxyFunc := proxy.ProxyFunc()
	proxyAddrs := proxyHostPorts(proxy)
	transport := func(strict bool) *http.Transport {
		d := &net.Dialer{Timeout: min(10*time.Second, o.Timeout), KeepAlive: 30 * time.Second}
		guarded := &net.Dialer{Timeout: d.Timeout, KeepAlive: d.KeepAlive, ControlContext: guardControl(g.private)}
		return &http.Transport{
			Proxy: func(r *http.Request) (*url.URL, error) {
				p, err := proxyFunc(r.URL)
				if err != nil || p == nil || !strict {
					return p, err
				}
				// The proxy connects, where the dial guard cannot look.
				ctx, cancel := context.WithTimeout(r.Context(), min(5*time.Second, o.Timeout))
				defer cancel()
				host, port := splitHostPort(r.URL.Host, schemePort(r.URL.Scheme))
				if g.anyPrivate(ctx, host, port) {
					return nil, fmt.Errorf("%s through the proxy: %w", host, errPrivateAddress)
				}
				return p, nil
			},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				// The configured proxy is trusted wherever it lives.
				if !strict || proxyAddrs[addr] {
					return dialResolved(ctx, g, d, network, addr)
				}
				return dialResolved(ctx, g, guarded, network, addr)
			},
			TLSHandshakeTimeout:   min(10*time.Second, o.Timeout),
			ResponseHeaderTimeout: o.Timeout,
			IdleConnTimeout:       90 * time.Second,
			// Keep as many idle connections as requests may be in flight, so
			// a busy host is not redialled for every request.
			MaxIdleConns:        max(100, o.Concurrency),
			MaxIdleConnsPerHost: max(2, o.Concurrency),
			ForceAttemptHTTP2:   true,
		}
	}
	return &http.Client{
		Transport:     routingTransport{strict: transport(true), open: transport(false)},
		CheckRedirect: checkRedirect(g),
	}
}

// dialResolved resolves addr's host through g (IP literals in every form
// included) and dials its addresses in turn with d, whose Control hook
// refuses private ones. It returns the first connection made; when none
// is, errPrivateAddress if every address was refused as private, else the
// last error.
func dialResolved(ctx context.Context, g guard, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port := splitHostPort(addr, 0)
	addrs, err := g.hostAddrs(ctx, host)
	if err != nil {
		return nil, err
	}
	var last error
	refused := 0
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, netip.AddrPortFrom(a.WithZone(""), port).String())
		if err == nil {
			return c, nil
		}
		if errors.Is(err, errPrivateAddress) {
			refused++
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		return nil, fmt.Errorf("%s: no address", host)
	}
	if refused == len(addrs) {
		return nil, fmt.Errorf("dial %s: %w", host, errPrivateAddress)
	}
	return nil, last
}

// routingTransport sends a request through open when its context allows
// private addresses, through strict otherwise. Two pools keep a connection
// dialled for a private source from being reused by a public one.
type routingTransport struct{ strict, open http.RoundTripper }

func (t routingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if allowsPrivate(r.Context()) {
		return t.open.RoundTrip(r)
	}
	return t.strict.RoundTrip(r)
}

// checkRedirect allows at most maxRedirects http(s) redirects, reports a
// loop as soon as a URL comes back, and refuses at once a redirect to a
// private IP literal or localhost for a public source (names are checked
// when dialled, or before a proxy is asked).
func checkRedirect(g guard) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: %w", signals.RedactURL(req.URL.String()), errUnsupportedScheme)
		}
		for _, v := range via {
			if v.URL.String() == req.URL.String() {
				return fmt.Errorf("%w at %s", errRedirectLoop, signals.RedactURL(req.URL.String()))
			}
		}
		if len(via) > maxRedirects {
			return errTooManyRedirects
		}
		if !allowsPrivate(req.Context()) && g.literalIsPrivate(req.URL.Host, schemePort(req.URL.Scheme)) {
			return fmt.Errorf("redirect to %s: %w", signals.RedactURL(req.URL.String()), errPrivateAddress)
		}
		return nil
	}
}

// proxyHostPorts lists the host:port of the configured proxies.
func proxyHostPorts(c *httpproxy.Config) map[string]bool {
	m := map[string]bool{}
	for _, p := range []string{c.HTTPProxy, c.HTTPSProxy} {
		if p == "" {
			continue
		}
		u, err := url.Parse(p)
		if err != nil || u.Host == "" {
			u, err = url.Parse("http://" + p)
		}
		if err != nil || u.Host == "" {
			continue
		}
		if u.Port() != "" {
			m[u.Host] = true
			continue
		}
		port := "80"
		switch u.Scheme {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		}
		m[net.JoinHostPort(u.Hostname(), port)] = true
	}
	return m
}
