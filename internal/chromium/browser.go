package chromium

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Page is a rendered page: its HTML once the scripts ran, the URL it ended
// at and the status of its document.
type Page struct {
	HTML   []byte
	URL    string
	Status int
}

// Browser is one headless Chromium, started on the first Render and kept
// until Close: a poll cycle renders its pages in one browser, one page at a
// time (one renderer's memory, under the heap bound), and closes it at its
// end. It is safe for concurrent use; renders wait for their turn.
type Browser struct {
	opts Options
	find func() (string, error)

	turn chan struct{} // one render (or close) at a time

	mu      sync.Mutex // guards the browser's context and its stop
	browser context.Context
	stop    context.CancelFunc
}

// NewBrowser returns a browser that starts the Chromium Find finds, with
// o's bounds, when a page is first rendered.
func NewBrowser(o Options) *Browser {
	return &Browser{opts: o, find: Find, turn: make(chan struct{}, 1)}
}

// settle bounds the wait, after the load event, for scripts that fetch
// the news and write it: the document is read once its size holds still
// for settleStep, or at the page's deadline.
const (
	settleStep = 300 * time.Millisecond
	settleMax  = 5 * time.Second
)

// Request is a page to render.
type Request struct {
	URL       string
	UserAgent string
	// Timeout bounds the page, from the opening of its tab to the reading
	// of its HTML; the browser's start is bounded apart (StartTimeout).
	Timeout time.Duration
	// Allow is asked about every request the page makes, its document and
	// redirects included; a refused request fails.
	Allow func(ctx context.Context, rawURL string) error
}

// StartTimeout bounds the start of the browser, which a loaded machine
// can make slow (seconds): it does not eat into the first page's time.
const StartTimeout = time.Minute

// Render loads a page in a new tab, waits for it to load and its scripts
// to settle, and returns its HTML. Images, media, fonts and style sheets
// are refused: the selectors never read them. ctx cancels the render.
func (b *Browser) Render(ctx context.Context, r Request) (Page, error) {
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return Page{}, ctx.Err()
	}
	defer func() { <-b.turn }()
	browser, err := b.start(ctx)
	if err != nil {
		return Page{}, err
	}
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	pageURL, userAgent, allow := r.URL, r.UserAgent, r.Allow
	tab, closeTab := chromedp.NewContext(browser)
	intercepting := make(chan struct{})
	defer func() {
		closeTab()
		<-intercepting // the tab's end ends the events
	}()
	stopOnDone := context.AfterFunc(ctx, closeTab)
	defer stopOnDone()
	if err := chromedp.Do(tab); err != nil {
		close(intercepting)
		return Page{}, b.failure(ctx, "open a tab", err)
	}
	paused := chromedp.Events(tab, fetch.RequestPaused)
	var refused sync.Map // request URL -> error, for the page's own
	go func() {
		defer close(intercepting)
		for ev, err := range paused {
			if err != nil {
				return
			}
			var reason network.ErrorReason
			switch ev.ResourceType {
			case network.ResourceTypeImage, network.ResourceTypeMedia, network.ResourceTypeFont, network.ResourceTypeStylesheet:
				reason = network.ErrorReasonBlockedByClient
			default:
				if err := allow(ctx, ev.Request.URL); err != nil {
					refused.Store(ev.Request.URL, err)
					reason = network.ErrorReasonAccessDenied
				}
			}
			if reason != "" {
				chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: reason})
				continue
			}
			chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	if userAgent != "" {
		if _, err := chromedp.Call(tab, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: userAgent}); err != nil {
			return Page{}, b.failure(ctx, "set the user agent", err)
		}
	}
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{}); err != nil {
		return Page{}, b.failure(ctx, "intercept requests", err)
	}
	resp, err := chromedp.Run(tab, chromedp.NavigateResponse(pageURL))
	if err != nil {
		if why, ok := refused.Load(pageURL); ok {
			return Page{}, fmt.Errorf("render %s: %w", pageURL, why.(error))
		}
		return Page{}, b.failure(ctx, "load "+pageURL, err)
	}
	if err := settleDOM(ctx, tab); err != nil {
		return Page{}, b.failure(ctx, "wait for the scripts of "+pageURL, err)
	}
	html, err := chromedp.Run(tab, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
	if err != nil {
		return Page{}, b.failure(ctx, "read "+pageURL, err)
	}
	final, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		return Page{}, b.failure(ctx, "read the location of "+pageURL, err)
	}
	p := Page{HTML: []byte(html), URL: final}
	if resp != nil {
		p.Status = int(resp.Status)
	}
	return p, nil
}

// settleDOM waits until the document's size holds still for settleStep,
// at most settleMax, so the news a script fetches after the load is in.
func settleDOM(ctx context.Context, tab context.Context) error {
	deadline := time.Now().Add(settleMax)
	last := -1
	for time.Now().Before(deadline) {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int]("document.documentElement.outerHTML.length"))
		if err != nil {
			return err
		}
		if n == last {
			return nil
		}
		last = n
		select {
		case <-time.After(settleStep):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// failure wraps err, or ctx's error when ctx ended it (a timeout).
func (b *Browser) failure(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("chromium: %s: %w", what, ctx.Err())
	}
	return fmt.Errorf("chromium: %s: %w", what, err)
}

// start starts the browser unless it runs already, within StartTimeout.
// The browser outlives ctx, which only cancels the start: a render's end
// must not stop the browser the next render uses.
func (b *Browser) start(ctx context.Context) (context.Context, error) {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.browser != nil {
		return b.browser, nil
	}
	path, err := b.find()
	if err != nil {
		return nil, err
	}
	alloc, stopAlloc := NewAllocator(context.Background(), path, b.opts)
	browser, stopBrowser := chromedp.NewContext(alloc)
	stop := func() { stopBrowser(); stopAlloc() }
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browser) }()
	select {
	case err = <-started:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("chromium: start %s: %w", path, err)
	}
	b.browser, b.stop = browser, stop
	return browser, nil
}

// Close stops the browser, if it runs, once the render under way ends;
// the next Render starts another.
func (b *Browser) Close() {
	b.turn <- struct{}{}
	defer func() { <-b.turn }()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop != nil {
		b.stop()
		b.browser, b.stop = nil, nil
	}
}
