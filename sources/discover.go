package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/veille-hq/veille/signals"
)

// feedPaths are where sites commonly serve their feed, tried when the home
// page names none.
var feedPaths = []string{"/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/actualites/feed"}

var feedTypes = []string{"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/rdf+xml", "application/xml", "text/xml"}

// maxAlternates bounds how many <link rel=alternate> feeds are tried.
const maxAlternates = 3

// DiscoverFeeds lists the feeds a page names in <link rel="alternate"> with
// a feed type, resolved against pageURL and <base href>, in document order.
func DiscoverFeeds(r io.Reader, contentType string, pageURL string) ([]string, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read page %s: %w", signals.RedactURL(pageURL), err)
	}
	return discoverFeeds(body, contentType, pageURL)
}

func discoverFeeds(body []byte, contentType, pageURL string) ([]string, error) {
	doc, base, err := loadHTML(body, contentType, pageURL)
	if err != nil {
		return nil, err
	}
	var feeds []string
	seen := map[string]bool{}
	doc.Find("link[rel][href]").Each(func(_ int, s *goquery.Selection) {
		if !hasToken(s.AttrOr("rel", ""), "alternate") || !isFeedType(s.AttrOr("type", "")) {
			return
		}
		if u := resolveLink(base, s.AttrOr("href", "")); u != "" && !seen[u] {
			seen[u] = true
			feeds = append(feeds, u)
		}
	})
	return feeds, nil
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}

func isFeedType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	for _, ft := range feedTypes {
		if t == ft {
			return true
		}
	}
	return false
}

// fetchSite fetches a site's feed: the one remembered in st.FeedURL, or the
// one autodiscovered from the home page, then remembered. A remembered feed
// that is gone or no longer a feed is forgotten, so the next try discovers
// again.
func (f *Fetcher) fetchSite(ctx context.Context, siteURL string, st *signals.SourceState) (signals.FetchResult, error) {
	if st.FeedURL != "" {
		res, err := f.fetchFeed(ctx, st.FeedURL, st)
		var fe *FetchError
		if errors.As(err, &fe) && (fe.Kind == signals.ErrNotAFeed || fe.Status == 404 || fe.Status == 410) {
			st.FeedURL = ""
		}
		return res, err
	}
	candidates, home, err := f.feedCandidates(ctx, siteURL)
	if err != nil {
		return resultOf(home), err
	}
	if items, ferr := f.decodeFeed(ctx, siteURL, home, st); ferr == nil {
		st.FeedURL = siteURL
		st.ETag, st.LastModified = home.header.Get("ETag"), home.header.Get("Last-Modified")
		return signals.FetchResult{Items: items, Status: home.status}, nil
	}
	var errs []error
	for _, c := range candidates {
		d, err := f.get(ctx, c, acceptFeed, validators{}, f.opt.MaxBody)
		if ctx.Err() != nil {
			return signals.FetchResult{}, err
		}
		if err == nil && (d.status < 200 || d.status > 299) {
			err = f.statusError(c, d)
		}
		if err == nil {
			items, derr := f.decodeFeed(ctx, c, d, st)
			if derr == nil {
				st.FeedURL = c
				st.ETag, st.LastModified = d.header.Get("ETag"), d.header.Get("Last-Modified")
				return signals.FetchResult{Items: items, Status: d.status}, nil
			}
			err = derr
		}
		errs = append(errs, err)
	}
	return signals.FetchResult{Status: home.status}, &FetchError{Kind: signals.ErrNotAFeed, URL: siteURL, Status: home.status,
		Err: fmt.Errorf("no feed found (tried %d urls): %w", len(candidates), errors.Join(errs...))}
}

// feedCandidates fetches the home page and lists the feed URLs to try: its
// alternate links, then the usual paths on its host.
func (f *Fetcher) feedCandidates(ctx context.Context, siteURL string) ([]string, *document, error) {
	var none signals.SourceState
	home, err := f.fetchHTML(ctx, siteURL, &none)
	if err != nil {
		return nil, home, err
	}
	found, err := discoverFeeds(home.body, home.contentType(), home.url.String())
	if err != nil {
		return nil, home, &FetchError{Kind: signals.ErrParse, URL: siteURL, Status: home.status, Err: err}
	}
	var candidates []string
	seen := map[string]bool{}
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			candidates = append(candidates, u)
		}
	}
	for _, u := range found[:min(len(found), maxAlternates)] {
		add(u)
	}
	root := &url.URL{Scheme: home.url.Scheme, Host: home.url.Host}
	for _, p := range feedPaths {
		add(resolveLink(root, p))
	}
	return candidates, home, nil
}
