package main

import (
	"context"
	"fmt"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/internal/chromium"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
)

// renderHeapMB bounds the V8 heap of the browser's renderer: news pages
// need far less, and a runaway script stops there rather than at the
// machine's memory.
const renderHeapMB = 256

// browserRenderer adapts a chromium.Browser to sources.PageRenderer.
type browserRenderer struct{ b *chromium.Browser }

func (r browserRenderer) Render(ctx context.Context, pageURL, userAgent string, timeout time.Duration, allow func(context.Context, string) error) (sources.RenderedPage, error) {
	p, err := r.b.Render(ctx, chromium.Request{URL: pageURL, UserAgent: userAgent, Timeout: timeout, Allow: allow})
	return sources.RenderedPage{HTML: p.HTML, URL: p.URL, Status: p.Status}, err
}

func (r browserRenderer) Close() { r.b.Close() }

// newBrowser is the browser the pages with render: chromium share: it
// starts on the first such page of a cycle and stops at the cycle's end
// (Fetcher.EndCycle). Pages render one at a time; renderer processes
// beyond two (a page and a cross-site frame) are refused.
func newBrowser() browserRenderer {
	return browserRenderer{chromium.NewBrowser(chromium.Options{HeapMB: renderHeapMB,
		ExtraFlags: map[string]any{"renderer-process-limit": "2"}})}
}

// pageFetcher is the config's fetcher; call the func to stop its browser.
func pageFetcher(cfg *config.Config) (*sources.Fetcher, func()) {
	f := fetcher(cfg)
	return f, f.EndCycle
}

// defaultFetcher is the fetcher of the commands that run without a
// config: polite (interval between two requests to a host), robots.txt
// respected, with a browser for rendered pages.
func defaultFetcher(interval time.Duration) (*sources.Fetcher, func()) {
	f := sources.NewFetcher(sources.Options{Timeout: 20 * time.Second, PerHostInterval: interval, Robots: true,
		Version: buildVersion(), Concurrency: 1, Renderer: newBrowser()})
	return f, f.EndCycle
}

// renderWarnings says what `veille check` should about rendered pages:
// Chromium missing while pages ask for it.
func renderWarnings(cfg *config.Config) []string {
	n := 0
	for _, wl := range cfg.Watchlists {
		for _, p := range wl.Prospects {
			for _, pg := range p.Pages {
				if pg.Render == signals.RenderChromium {
					n++
				}
			}
		}
	}
	if n == 0 {
		return nil
	}
	if _, err := chromium.Find(); err != nil {
		return []string{fmt.Sprintf("%d page(s) with render: chromium, and %v: they will fail until it is installed", n, err)}
	}
	return nil
}

// printSourceErrors lists the sources whose last fetch failed: in the
// demo, the JavaScript-only newsroom when Chromium is not installed.
func printSourceErrors(e *env, a *app) error {
	failing, err := a.w.Sources(true)
	if err != nil {
		return err
	}
	for _, s := range failing {
		fmt.Fprintf(e.stdout, "source error: %s %s: [%s] %s\n", s.Kind, signals.RedactURL(s.URL), s.State.ErrorKind, signals.RedactText(s.State.LastError))
	}
	return nil
}
