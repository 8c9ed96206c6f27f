package sources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/veille-hq/veille/signals"
)

// PageRenderer renders a page with its scripts run (render: chromium):
// internal/chromium.Browser in production. It bounds the page by timeout,
// not counting its own start, and asks allow about every request the page
// makes.
type PageRenderer interface {
	Render(ctx context.Context, pageURL, userAgent string, timeout time.Duration, allow func(ctx context.Context, rawURL string) error) (RenderedPage, error)
}

// RenderedPage is a page's HTML once its scripts ran, the URL it ended at
// and its document's status (0: unknown).
type RenderedPage struct {
	HTML   []byte
	URL    string
	Status int
}

// ErrNoRenderer says a page asks to be rendered and the fetcher has no
// renderer; the renderer's own absence (no Chromium) comes as its error.
var ErrNoRenderer = errors.New("render: chromium: this fetcher renders no page")

// EndCycle releases what a poll cycle used: the renderer's browser, when
// the renderer has one to close. The next render starts it again.
func (f *Fetcher) EndCycle() {
	if c, ok := f.opt.Renderer.(interface{ Close() }); ok {
		c.Close()
	}
}

// pageDocument gets a page's document: fetched, or rendered when its
// source says so.
func (f *Fetcher) pageDocument(ctx context.Context, src signals.Source, st *signals.SourceState) (*document, error) {
	switch src.Page.Render {
	case "":
		return f.fetchHTML(ctx, src.URL, st)
	case signals.RenderChromium:
		return f.fetchRendered(ctx, src)
	}
	return nil, &FetchError{Kind: signals.ErrRender, URL: src.URL, Err: fmt.Errorf("render %q: only chromium renders pages", src.Page.Render)}
}

// fetchRendered renders a page (render: chromium) as fetchHTML fetches
// one: robots.txt first, the host's pace and the global pool, the request
// timeout over the page (the browser's start aside), the body cap. The page's URL and every
// request the page makes pass the guard (allowRequest). There is no
// conditional GET: the document changes with its scripts' answers, and
// unchanged() recognises one rendered the same.
func (f *Fetcher) fetchRendered(ctx context.Context, src signals.Source) (*document, error) {
	if f.opt.Renderer == nil {
		return nil, &FetchError{Kind: signals.ErrRender, URL: src.URL, Err: ErrNoRenderer}
	}
	if err := f.allowedByRobots(ctx, src.URL); err != nil {
		return nil, err
	}
	// Pages render one at a time: waiting here, a page holds no slot of
	// the global pool that fetches need meanwhile.
	select {
	case f.renderTurn <- struct{}{}:
		defer func() { <-f.renderTurn }()
	case <-ctx.Done():
		return nil, &FetchError{Kind: signals.ErrTimeout, URL: src.URL, Err: fmt.Errorf("waiting for the browser: %w", ctx.Err())}
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return nil, &FetchError{Kind: signals.ErrHTTP, URL: src.URL, Err: err}
	}
	leave, err := f.gates.gate(u.Host).enter(ctx, f.pool)
	if err != nil {
		return nil, &FetchError{Kind: signals.ErrTimeout, URL: src.URL, Err: fmt.Errorf("waiting for the host: %w", err)}
	}
	defer leave()
	p, err := f.opt.Renderer.Render(ctx, src.URL, f.ua, f.opt.Timeout, f.allowRequest)
	switch {
	case errors.Is(err, errPrivateAddress):
		return nil, &FetchError{Kind: signals.ErrPrivate, URL: src.URL, Err: err}
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return nil, &FetchError{Kind: signals.ErrTimeout, URL: src.URL,
			Err: fmt.Errorf("render timed out after %v (fetch.timeout): %w", f.opt.Timeout, err)}
	case err != nil:
		return nil, &FetchError{Kind: signals.ErrRender, URL: src.URL, Err: err}
	}
	final, err := url.Parse(p.URL)
	if err != nil || p.URL == "" {
		final = u
	}
	d := &document{status: p.Status, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, url: final, body: p.HTML}
	if d.status == 0 {
		d.status = http.StatusOK
	}
	if int64(len(p.HTML)) > f.opt.MaxBody {
		return nil, &FetchError{Kind: signals.ErrTooLarge, URL: src.URL, Status: d.status,
			Err: fmt.Errorf("rendered page is %d bytes, over fetch.max_body (%d)", len(p.HTML), f.opt.MaxBody)}
	}
	if d.status < 200 || d.status > 299 || isChallenge(d.status, d.header, d.body) {
		return d, f.statusError(src.URL, d)
	}
	return d, nil
}

// allowRequest is the guard for a request a rendered page makes: http and
// https only (data: and blob: stay in the browser), and no private or
// loopback address unless the source itself is on one (or the admin
// allowed the range), as for a fetch's redirects. The name is resolved
// here and again by the browser, so a name whose answer changes between
// the two (DNS rebinding) is not caught; the dial-time check of fetches
// has no equivalent in the browser.
func (f *Fetcher) allowRequest(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("request %s: %w", signals.RedactURL(rawURL), err)
	}
	switch u.Scheme {
	case "data", "blob":
		return nil
	case "http", "https":
	default:
		return fmt.Errorf("request %s: %w", signals.RedactURL(rawURL), errUnsupportedScheme)
	}
	if allowsPrivate(ctx) {
		return nil
	}
	host, port := splitHostPort(u.Host, schemePort(u.Scheme))
	if f.guard.anyPrivate(ctx, host, port) {
		return fmt.Errorf("request %s: %w", signals.RedactURL(rawURL), errPrivateAddress)
	}
	return nil
}
