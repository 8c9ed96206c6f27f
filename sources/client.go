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
// to dial private addresses; the others through one that allows them.
func newClient(o Options, private func(netip.AddrPort) bool) *http.Client {
	proxy := httpproxy.FromEnvironment()
	proxyFunc := proxy.ProxyFunc()
	proxyAddrs := proxyHostPorts(proxy)
	transport := func(guard bool) *http.Transport {
		d := &net.Dialer{Timeout: min(10*time.Second, o.Timeout), KeepAlive: 30 * time.Second}
		guarded := &net.Dialer{Timeout: d.Timeout, KeepAlive: d.KeepAlive, ControlContext: guardControl(private)}
		return &http.Transport{
			Proxy: func(r *http.Request) (*url.URL, error) { return proxyFunc(r.URL) },
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				// The configured proxy is trusted wherever it lives.
				if guard && !proxyAddrs[addr] {
					return guarded.DialContext(ctx, network, addr)
				}
				return d.DialContext(ctx, network, addr)
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
		CheckRedirect: checkRedirect(private),
	}
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
// loop as soon as a URL comes back, and refuses a redirect to a private IP
// literal or localhost for a public source (the dial guard covers names,
// except behind a proxy).
func checkRedirect(private func(netip.AddrPort) bool) func(*http.Request, []*http.Request) error {
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
		if !allowsPrivate(req.Context()) && literalIsPrivate(req.URL.Host, schemePort(req.URL.Scheme), private) {
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
