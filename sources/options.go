package sources

import (
	"net/netip"
	"time"
)

// Options configure a Fetcher; zero fields take the defaults below.
type Options struct {
	Timeout         time.Duration    // whole request, body included; default 30s
	MaxBody         int64            // decompressed bytes; default 8 MiB
	Concurrency     int              // global cap on requests in flight; default 16
	MaxItems        int              // items kept per fetched document, the newest; default 500
	AllowPrivate    []netip.Prefix   // private ranges that redirects and discovered URLs may reach all the same
	PerHostInterval time.Duration    // spacing between requests to one host, one at a time; 0 = no per-host limit (config defaults it to 1s)
	Robots          bool             // honour robots.txt for pages (feeds are fetched regardless)
	Contact         string           // goes in the User-Agent
	Version         string           // goes in the User-Agent
	Now             func() time.Time // default time.Now
	// Renderer renders the pages configured with render: chromium; nil:
	// they fail with ErrNoRenderer.
	Renderer PageRenderer
}

const (
	defaultTimeout     = 30 * time.Second
	defaultMaxBody     = 8 << 20
	defaultConcurrency = 16
	defaultMaxItems    = 500
	maxRedirects       = 5
	robotsTTL          = 24 * time.Hour
	maxCrawlDelay      = 5 * time.Minute
	// errorBodyCap bounds what is read of an error response, enough to
	// recognise a bot challenge.
	errorBodyCap = 64 << 10
	// robotsBodyCap is the most of a robots.txt read (Google reads 500 KiB).
	robotsBodyCap = 512 << 10
)

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = defaultMaxBody
	}
	if o.MaxItems <= 0 {
		o.MaxItems = defaultMaxItems
	}
	if o.Concurrency <= 0 {
		o.Concurrency = defaultConcurrency
	}
	if o.PerHostInterval < 0 {
		o.PerHostInterval = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	return o
}

// userAgent is "veillebot/<version> (+<contact>)".
func (o Options) userAgent() string {
	ua := "veillebot/" + o.Version
	if o.Contact != "" {
		ua += " (+" + o.Contact + ")"
	}
	return ua
}
