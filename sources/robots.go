package sources

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/veille-hq/veille/signals"
)

// robotsToken is the product token robots.txt groups are matched against
// (not the full User-Agent, which would fall through to "*").
const robotsToken = "veillebot"

type robotsEntry struct {
	group   *robotstxt.Group
	fetched time.Time
}

// robotsCache keeps each host's robots.txt group for veillebot for 24 h.
type robotsCache struct {
	mu    sync.Mutex
	hosts map[string]robotsEntry
}

func newRobotsCache() *robotsCache { return &robotsCache{hosts: map[string]robotsEntry{}} }

func (c *robotsCache) lookup(key string, now time.Time) (*robotstxt.Group, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.hosts[key]
	if !ok || now.Sub(e.fetched) >= robotsTTL || now.Before(e.fetched) {
		return nil, false
	}
	return e.group, true
}

func (c *robotsCache) store(key string, g *robotstxt.Group, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hosts[key] = robotsEntry{group: g, fetched: now}
}

// allowedByRobots checks pageURL against its host's robots.txt when
// Options.Robots is set, and feeds the Crawl-delay into the host's limiter.
// A 4xx robots.txt allows everything, a 5xx forbids everything; a robots.txt
// that cannot be fetched fails the page's fetch.
func (f *Fetcher) allowedByRobots(ctx context.Context, pageURL string) error {
	if !f.opt.Robots {
		return nil
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return &FetchError{Kind: signals.ErrHTTP, URL: pageURL, Err: err}
	}
	key := u.Scheme + "://" + strings.ToLower(u.Host)
	g, ok := f.robots.lookup(key, f.now())
	if !ok {
		robotsURL := key + "/robots.txt"
		d, err := f.get(ctx, robotsURL, "text/plain, */*;q=0.5", validators{}, min(f.opt.MaxBody, robotsBodyCap))
		if err != nil {
			return err
		}
		if d.status >= 500 {
			// A server error forbids everything for now; it is not cached,
			// so the next try asks again (robotstxt's FindGroup would
			// allow everything here).
			return &FetchError{Kind: signals.ErrRobots, URL: pageURL, Status: d.status,
				Err: fmt.Errorf("%s answered %d: crawling disallowed until it recovers", signals.RedactURL(robotsURL), d.status)}
		}
		data, err := robotstxt.FromStatusAndBytes(d.status, d.body)
		if err != nil {
			// An unparsable robots.txt says nothing we can honour.
			data, _ = robotstxt.FromStatusAndBytes(404, nil)
		}
		g = data.FindGroup(robotsToken)
		f.robots.store(key, g, f.now())
	}
	f.gates.slowDown(u.Host, min(g.CrawlDelay, maxCrawlDelay))
	if !g.Test(u.RequestURI()) {
		return &FetchError{Kind: signals.ErrRobots, URL: pageURL, Err: fmt.Errorf("disallowed by %s://%s/robots.txt for %s", u.Scheme, u.Host, robotsToken)}
	}
	return nil
}
