package sources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/chromium"
	"github.com/veille-hq/veille/signals"
)

// renderFunc is a hand-written PageRenderer.
type renderFunc func(ctx context.Context, pageURL, ua string, timeout time.Duration, allow func(context.Context, string) error) (RenderedPage, error)

func (f renderFunc) Render(ctx context.Context, pageURL, ua string, timeout time.Duration, allow func(context.Context, string) error) (RenderedPage, error) {
	return f(ctx, pageURL, ua, timeout, allow)
}

// browser adapts chromium.Browser as cmd/veille does.
type browser struct{ b *chromium.Browser }

func (r browser) Render(ctx context.Context, pageURL, ua string, timeout time.Duration, allow func(context.Context, string) error) (RenderedPage, error) {
	p, err := r.b.Render(ctx, chromium.Request{URL: pageURL, UserAgent: ua, Timeout: timeout, Allow: allow})
	return RenderedPage{HTML: p.HTML, URL: p.URL, Status: p.Status}, err
}
func (r browser) Close() { r.b.Close() }

const jsNewsroom = `<!doctype html><html lang="fr"><head><title>Presse</title></head>
<body><h1>Actualités</h1><div id="news"><p class="loading">Chargement…</p></div><script src="/app.js"></script></body></html>`

// The news arrives by a request the script makes after the load event.
const jsApp = `fetch("/api/news.json").then(r => r.json()).then(list => {
  const box = document.getElementById("news");
  box.innerHTML = "";
  for (const n of list) {
    const a = document.createElement("article");
    a.className = "news";
    a.innerHTML = '<h2><a href="' + n.url + '">' + n.title + '</a></h2><time datetime="' + n.date + '">' + n.date + '</time>';
    box.appendChild(a);
  }
});`

const jsNews = `[{"url": "/n/usine", "title": "Kerloc Industries ouvre une usine à Brest", "date": "2025-03-18"},
 {"url": "/n/recrutement", "title": "Kerloc Industries recrute 25 techniciens", "date": "2025-02-27"}]`

func jsNewsroomServer(t *testing.T) string {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/actualites":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, jsNewsroom)
		case "/app.js":
			w.Header().Set("Content-Type", "text/javascript")
			time.Sleep(200 * time.Millisecond) // a slow script: the load waits for it, the news comes after
			fmt.Fprint(w, jsApp)
		case "/api/news.json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, jsNews)
		default:
			http.NotFound(w, r)
		}
	})
	return srv.URL
}

// TestRenderJSNewsroom renders, with the real browser, a newsroom whose
// items a script writes: fetched, the page has none; rendered, it has
// them. CI installs Chromium; elsewhere the test skips without it.
func TestRenderJSNewsroom(t *testing.T) {
	t.Parallel()
	if _, err := chromium.Find(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	base := jsNewsroomServer(t)
	spec := signals.PageSpec{Item: "article.news", Title: "h2", Link: "h2 a@href", Date: "time@datetime"}
	b := browser{chromium.NewBrowser(chromium.Options{HeapMB: 128})}
	f := testFetcher(t, Options{Renderer: b, Timeout: 30 * time.Second, Robots: true})
	defer f.EndCycle()

	res, st, err := f.Fetch(context.Background(), signals.NewSource(signals.KindPage, base+"/actualites", spec), signals.SourceState{})
	if err != nil || len(res.Items) != 0 || st.Silence != signals.SilenceSelector {
		t.Fatalf("fetched without rendering: %d items, silence %q, err %v; want none and the selectors matching nothing", len(res.Items), st.Silence, err)
	}
	spec.Render = signals.RenderChromium
	src := signals.NewSource(signals.KindPage, base+"/actualites", spec)
	res, st, err = f.Fetch(context.Background(), src, signals.SourceState{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || res.Items[0].Title != "Kerloc Industries ouvre une usine à Brest" || res.Items[0].URL != base+"/n/usine" ||
		res.Items[0].Published.IsZero() || res.Items[0].Lang != "fr" {
		t.Fatalf("rendered items %+v, want the two the script writes", res.Items)
	}
	if st.Silence != "" || st.LastYield.IsZero() {
		t.Errorf("state %+v: a rendered page with items is not silent", st)
	}
	// The browser started for the first render serves the next.
	if res, _, err := f.Fetch(context.Background(), src, st); err != nil || !res.NotModified {
		t.Errorf("second render of the same page: %+v, %v; want it recognised as unchanged", res, err)
	}
}

func TestRenderFailures(t *testing.T) {
	base := jsNewsroomServer(t)
	spec := signals.PageSpec{Item: "article.news", Render: signals.RenderChromium}
	src := signals.NewSource(signals.KindPage, base+"/actualites", spec)
	tests := []struct {
		name string
		r    PageRenderer
		o    Options
		kind signals.ErrorKind
		text string
	}{
		{"no renderer", nil, Options{}, signals.ErrRender, "this fetcher renders no page"},
		{"no chromium", renderFunc(func(context.Context, string, string, time.Duration, func(context.Context, string) error) (RenderedPage, error) {
			return RenderedPage{}, chromium.ErrNotFound
		}), Options{}, signals.ErrRender, "apt-get install chromium"},
		{"timeout", renderFunc(func(ctx context.Context, _, _ string, timeout time.Duration, _ func(context.Context, string) error) (RenderedPage, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			<-ctx.Done()
			return RenderedPage{}, ctx.Err()
		}), Options{Timeout: 50 * time.Millisecond}, signals.ErrTimeout, "render timed out after 50ms (fetch.timeout)"},
		{"over the body cap", renderFunc(func(context.Context, string, string, time.Duration, func(context.Context, string) error) (RenderedPage, error) {
			return RenderedPage{HTML: []byte(strings.Repeat("x", 2048)), URL: base + "/actualites", Status: 200}, nil
		}), Options{MaxBody: 1024}, signals.ErrTooLarge, "over fetch.max_body"},
		{"error status", renderFunc(func(context.Context, string, string, time.Duration, func(context.Context, string) error) (RenderedPage, error) {
			return RenderedPage{HTML: []byte("<html></html>"), URL: base + "/actualites", Status: 503}, nil
		}), Options{}, signals.ErrHTTP, "status 503"},
		{"page redirected to a private address", renderFunc(func(ctx context.Context, _, _ string, _ time.Duration, allow func(context.Context, string) error) (RenderedPage, error) {
			// As the browser does for each request: the redirect's target
			// is asked about, from a context that is not the source's.
			return RenderedPage{}, allow(withAllowPrivate(ctx, false), "http://169.254.169.254/latest/meta-data/")
		}), Options{}, signals.ErrPrivate, "private or loopback address not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Renderer = tt.r
			f := testFetcher(t, tt.o)
			_, st, err := f.Fetch(context.Background(), src, signals.SourceState{})
			if err == nil || st.ErrorKind != tt.kind || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %v (kind %q), want kind %q saying %q", err, st.ErrorKind, tt.kind, tt.text)
			}
		})
	}
}

func TestAllowRequest(t *testing.T) {
	f := testFetcher(t, Options{})
	public := withAllowPrivate(context.Background(), false)
	for _, tc := range []struct {
		ctx  context.Context
		url  string
		want error
	}{
		{public, "data:text/plain,hello", nil},
		{public, "http://127.0.0.1:8080/api", errPrivateAddress},
		{public, "http://10.0.0.2/", errPrivateAddress},
		{public, "https://[::1]/x", errPrivateAddress},
		{public, "http://localhost/x", errPrivateAddress},
		{public, "ftp://example.org/x", errUnsupportedScheme},
		{public, "https://93.184.215.14/news", nil},
		{withAllowPrivate(context.Background(), true), "http://127.0.0.1:8080/api", nil}, // the source itself is on a private address
	} {
		if err := f.allowRequest(tc.ctx, tc.url); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("allowRequest(%s) = %v, want %v", tc.url, err, tc.want)
		}
	}
}
