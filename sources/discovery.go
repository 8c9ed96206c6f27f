package sources

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/veille-hq/veille/signals"
)

// Discovery is what Discover found on a site: its feeds or, when it has
// none, selectors for its news page.
type Discovery struct {
	URL        string           // the page read, after redirects
	Advertised []string         // feeds it names in <link rel="alternate">
	Feeds      []FoundFeed      // candidates that decode as feeds
	Tried      []Tried          // every candidate URL and what came of it
	NewsPage   string           // when no feed: the page Pages read
	Pages      []PageSuggestion // best first
}

// DiscoverOptions say how far Discover goes.
type DiscoverOptions struct {
	// Render: when the pages' HTML holds no repeated dated blocks, render
	// them with the fetcher's renderer (a newsroom a script writes) and
	// look again; the proposals then say render: chromium.
	Render bool
}

// FoundFeed is a URL that serves a feed.
type FoundFeed struct {
	URL   string
	Items int
}

// Tried is a candidate URL and what came of it ("feed", "not a feed",
// "status 404", "robots.txt disallows", ...).
type Tried struct {
	URL, Result string
}

// maxNewsPages bounds the pages linked from the home page read for news
// blocks, besides the page given.
const maxNewsPages = 2

// newsWords are what the link to a newsroom says or holds in its path.
var newsWords = regexp.MustCompile(`(?i)actualit|news|presse|press|communiqu|newsroom|blog|nouvelles|journal|medias?\b|actus?\b`)

// Discover looks for a site's feeds as a site source would, politely (the
// host's pace, robots.txt for pages and guessed paths): the feeds siteURL
// names or is, else the usual feed paths. When none serves a feed, it reads
// siteURL and the news pages it links to for repeated blocks of dated links
// and proposes selectors for the best (SuggestPageSpecs), rendering the
// pages when their HTML has none and o.Render says so. The error is for
// siteURL itself failing; a candidate's failure is in Tried.
func (f *Fetcher) Discover(ctx context.Context, siteURL string, o DiscoverOptions) (Discovery, error) {
	var dis Discovery
	u, err := url.Parse(siteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return dis, fmt.Errorf("discover %s: must be an absolute http or https url", signals.RedactURL(siteURL))
	}
	ctx = withAllowPrivate(ctx, f.configuredPrivate(ctx, u))
	var none signals.SourceState
	home, err := f.fetchHTML(ctx, siteURL, &none)
	if err != nil {
		return dis, err
	}
	dis.URL = home.url.String()
	if n, ok := f.feedItems(ctx, siteURL, home); ok {
		dis.Feeds = append(dis.Feeds, FoundFeed{URL: dis.URL, Items: n})
		dis.Tried = append(dis.Tried, Tried{dis.URL, "feed"})
		return dis, nil
	}
	dis.Advertised, err = discoverFeeds(home.body, home.contentType(), dis.URL)
	if err != nil {
		return dis, &FetchError{Kind: signals.ErrParse, URL: siteURL, Status: home.status, Err: err}
	}
	try := func(candidates []string, robots bool) {
		for _, c := range candidates {
			if ctx.Err() != nil {
				return
			}
			dis.Tried = append(dis.Tried, Tried{c, f.tryFeed(ctx, c, robots, &dis)})
		}
	}
	try(dis.Advertised[:min(len(dis.Advertised), maxAlternates)], false)
	if len(dis.Feeds) == 0 {
		root := &url.URL{Scheme: home.url.Scheme, Host: home.url.Host}
		var guesses []string
		for _, p := range feedPaths {
			if g := resolveLink(root, p); g != "" && !tried(dis.Tried, g) {
				guesses = append(guesses, g)
			}
		}
		try(guesses, true)
	}
	if len(dis.Feeds) > 0 || ctx.Err() != nil {
		return dis, ctx.Err()
	}
	pages := f.suggestPages(ctx, home, &dis)
	if len(dis.Pages) == 0 && o.Render && f.opt.Renderer != nil {
		f.suggestRendered(ctx, pages, &dis)
	}
	return dis, ctx.Err()
}

func tried(ts []Tried, u string) bool {
	for _, t := range ts {
		if t.URL == u {
			return true
		}
	}
	return false
}

// feedItems reports whether d is a feed, and how many items it holds.
func (f *Fetcher) feedItems(ctx context.Context, feedURL string, d *document) (int, bool) {
	items, _, err := f.feeds.decode(ctx, d.body, d.contentType(), d.url.String(), f.now(), nil)
	return len(items), err == nil
}

// tryFeed fetches a candidate feed (after robots.txt when robots, for the
// guessed paths) and says what came of it, recording it when it is one.
func (f *Fetcher) tryFeed(ctx context.Context, c string, robots bool, dis *Discovery) string {
	if robots {
		if err := f.allowedByRobots(ctx, c); err != nil {
			return shortError(err)
		}
	}
	d, err := f.get(ctx, c, acceptFeed, validators{}, f.opt.MaxBody)
	if err != nil {
		return shortError(err)
	}
	if d.status < 200 || d.status > 299 {
		return fmt.Sprintf("status %d %s", d.status, http.StatusText(d.status))
	}
	n, ok := f.feedItems(ctx, c, d)
	if !ok {
		return fmt.Sprintf("not a feed (%s)", cmp.Or(d.contentType(), "no content type"))
	}
	dis.Feeds = append(dis.Feeds, FoundFeed{URL: c, Items: n})
	return fmt.Sprintf("feed, %d items", n)
}

func shortError(err error) string {
	var fe *FetchError
	if errors.As(err, &fe) {
		if fe.Kind == signals.ErrRobots {
			return "robots.txt disallows it"
		}
		if fe.Err != nil {
			return fe.Err.Error()
		}
	}
	return err.Error()
}

// consider keeps d's proposals when they beat those kept; rendered marks
// them render: chromium.
func (f *Fetcher) consider(d *document, rendered bool, dis *Discovery) {
	s, err := SuggestPageSpecs(d.body, d.contentType(), d.url.String(), f.now())
	if err != nil || len(s) == 0 {
		return
	}
	if rendered {
		for i := range s {
			s[i].Spec.Render = signals.RenderChromium
		}
	}
	if len(dis.Pages) == 0 || s[0].Score > dis.Pages[0].Score {
		dis.NewsPage, dis.Pages = d.url.String(), s
	}
}

// suggestPages reads home and the news pages it links to for repeated
// blocks of dated links, keeping the page whose best proposal scores most.
// It returns the pages it read.
func (f *Fetcher) suggestPages(ctx context.Context, home *document, dis *Discovery) []string {
	read := []string{home.url.String()}
	f.consider(home, false, dis)
	for _, link := range newsLinks(home) {
		if ctx.Err() != nil {
			break
		}
		var none signals.SourceState
		d, err := f.fetchHTML(ctx, link, &none)
		if err != nil {
			dis.Tried = append(dis.Tried, Tried{link, shortError(err)})
			continue
		}
		dis.Tried = append(dis.Tried, Tried{link, "news page"})
		read = append(read, d.url.String())
		f.consider(d, false, dis)
	}
	return read
}

// suggestRendered renders the pages suggestPages read, and the news pages
// the rendered home links to, for a newsroom a script writes.
func (f *Fetcher) suggestRendered(ctx context.Context, pages []string, dis *Discovery) {
	seen := map[string]bool{}
	for i := 0; i < len(pages) && i <= maxNewsPages && ctx.Err() == nil; i++ {
		u := pages[i]
		if seen[u] {
			continue
		}
		seen[u] = true
		d, err := f.fetchRendered(ctx, signals.Source{URL: u})
		if err != nil {
			dis.Tried = append(dis.Tried, Tried{u, "render: " + shortError(err)})
			if KindOf(err) == signals.ErrRender {
				return // no browser: the next pages would fail alike
			}
			continue
		}
		dis.Tried = append(dis.Tried, Tried{u, "rendered"})
		if i == 0 {
			pages = append(pages, newsLinks(d)...)
		}
		f.consider(d, true, dis)
	}
}

// newsLinks lists the pages of the same host a page links to whose text or
// path says news (actualités, presse, newsroom...), at most maxNewsPages.
func newsLinks(d *document) []string {
	doc, base, err := loadHTML(d.body, d.contentType(), d.url.String())
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{d.url.String(): true}
	newsPage := newsWords.MatchString(d.url.Path)
	doc.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		link := resolveLink(base, a.AttrOr("href", ""))
		lu, err := url.Parse(link)
		if link == "" || err != nil || !strings.EqualFold(lu.Host, d.url.Host) || seen[link] {
			return true
		}
		// Under a news page, the pages below are its pagination or its
		// articles, not another newsroom.
		if newsPage && strings.HasPrefix(lu.Path, strings.TrimSuffix(d.url.Path, "/")+"/") {
			return true
		}
		if newsWords.MatchString(selectionText(a)) || newsWords.MatchString(lu.Path) {
			seen[link] = true
			out = append(out, link)
		}
		return len(out) < maxNewsPages
	})
	return out
}
