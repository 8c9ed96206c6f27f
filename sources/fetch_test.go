package sources

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// testFetcher is a fetcher with the fixed clock and no per-host spacing.
func testFetcher(t *testing.T, o Options) *Fetcher {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return fixedNow }
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	o.Contact = "ops@example.com"
	o.Version = "1.2.3"
	return NewFetcher(o)
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func feedSource(url string) signals.Source {
	return signals.NewSource(signals.KindFeed, url, signals.PageSpec{})
}

func TestFetchFeedConditionalGet(t *testing.T) {
	body := readFixture(t, "rss2_relative.xml")
	var requests []http.Header
	var mu sync.Mutex
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Wed, 12 Mar 2025 09:30:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(body)
	})
	f := testFetcher(t, Options{})
	src := feedSource(srv.URL + "/feed")

	res, st, err := f.Fetch(context.Background(), src, signals.SourceState{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 3 || res.NotModified || res.Status != 200 {
		t.Fatalf("first fetch: %d items, not modified %v, status %d", len(res.Items), res.NotModified, res.Status)
	}
	for _, it := range res.Items {
		if it.SourceID != src.ID {
			t.Errorf("item SourceID = %q, want %q", it.SourceID, src.ID)
		}
	}
	if st.ETag != `"v1"` || st.LastModified == "" || !st.FirstFetched.Equal(fixedNow) || !st.LastSuccess.Equal(fixedNow) {
		t.Errorf("state after first fetch: %+v", st)
	}

	res, st2, err := f.Fetch(context.Background(), src, st)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || len(res.Items) != 0 || res.Status != http.StatusNotModified {
		t.Errorf("second fetch: %+v, want not modified", res)
	}
	if st2.ETag != `"v1"` || st2.Failures != 0 {
		t.Errorf("state after 304: %+v", st2)
	}
	if len(requests) != 2 {
		t.Fatalf("%d requests, want 2", len(requests))
	}
	if got := requests[1].Get("If-Modified-Since"); got != "Wed, 12 Mar 2025 09:30:00 GMT" {
		t.Errorf("If-Modified-Since = %q", got)
	}
	if ua := requests[0].Get("User-Agent"); ua != "veillebot/1.2.3 (+ops@example.com)" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestFetchFailureStates(t *testing.T) {
	retryDate := fixedNow.Add(2 * time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		kind        signals.ErrorKind
		nextTry     time.Duration
		errContains string
	}{
		{"429 retry-after seconds", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		}, signals.ErrRateLimit, 2 * time.Minute, "status 429"},
		{"503 retry-after date", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", retryDate)
			w.WriteHeader(http.StatusServiceUnavailable)
		}, signals.ErrHTTP, 2 * time.Hour, "status 503"},
		{"503 without retry-after backs off", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, signals.ErrHTTP, 30 * time.Minute, "status 503"},
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, signals.ErrHTTP, 30 * time.Minute, "status 404 Not Found"},
		{"403 is blocked", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
		}, signals.ErrBlocked, 30 * time.Minute, "blocked"},
		{"cloudflare challenge with 503 is blocked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(readFixture(t, "challenge.html"))
		}, signals.ErrBlocked, 30 * time.Minute, "blocked"},
		{"challenge served with 200 is blocked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write(readFixture(t, "challenge.html"))
		}, signals.ErrBlocked, 30 * time.Minute, "blocked"},
		{"captcha page with 429 is blocked", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `<html><body><div class="g-recaptcha"></div>Please complete the CAPTCHA</body></html>`)
		}, signals.ErrBlocked, 30 * time.Minute, "blocked"},
		{"html instead of feed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(readFixture(t, "html_not_feed.html"))
		}, signals.ErrNotAFeed, 30 * time.Minute, `not a feed (status 200, content type "text/html; charset=utf-8")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := testFetcher(t, Options{})
			prev := signals.SourceState{ETag: `"old"`, LastSuccess: fixedNow.Add(-time.Hour)}
			_, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/feed"), prev)
			if err == nil {
				t.Fatal("no error")
			}
			if KindOf(err) != tt.kind || st.ErrorKind != tt.kind {
				t.Errorf("kind = %q / state %q, want %q", KindOf(err), st.ErrorKind, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.errContains) || !strings.Contains(err.Error(), srv.URL+"/feed") {
				t.Errorf("error %q should name the url and contain %q", err, tt.errContains)
			}
			if st.Failures != 1 || st.LastError != err.Error() || !st.NextTry.Equal(fixedNow.Add(tt.nextTry)) {
				t.Errorf("state = %+v, want 1 failure and next try in %v", st, tt.nextTry)
			}
			if st.ETag != `"old"` || !st.LastSuccess.Equal(prev.LastSuccess) {
				t.Errorf("failure changed validators or last success: %+v", st)
			}
		})
	}
}

func TestBackoffSchedule(t *testing.T) {
	want := []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 16 * time.Hour, 24 * time.Hour, 24 * time.Hour}
	for i, w := range want {
		t.Run(fmt.Sprintf("failure %d", i+1), func(t *testing.T) {
			if got := backoff(i + 1); got != w {
				t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
			}
		})
	}
	t.Run("through Fetch and reset on success", func(t *testing.T) {
		var fail atomic.Bool
		fail.Store(true)
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if fail.Load() {
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			w.Write(readFixture(t, "atom.xml"))
		})
		f := testFetcher(t, Options{})
		src := feedSource(srv.URL)
		var st signals.SourceState
		for i, w := range want[:4] {
			_, st, _ = f.Fetch(context.Background(), src, st)
			if st.Failures != i+1 || !st.NextTry.Equal(fixedNow.Add(w)) {
				t.Fatalf("after %d failures: %+v, want next try in %v", i+1, st, w)
			}
		}
		fail.Store(false)
		_, st, err := f.Fetch(context.Background(), src, st)
		if err != nil || st.Failures != 0 || !st.NextTry.IsZero() || st.LastError != "" || st.ErrorKind != "" {
			t.Errorf("after success: %+v, %v", st, err)
		}
	})
}

func TestFetchBodyCap(t *testing.T) {
	const max = 1 << 20
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			chunk := []byte(strings.Repeat("<item><title>x</title></item>", 1000))
			w.Write([]byte("<rss><channel>"))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"gzip bomb", serveGzipBomb(gzipBomb(t, 64<<20))},
		{"announced length over the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(2*max))
			w.Write(make([]byte, 2*max))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := testFetcher(t, Options{MaxBody: max})
			_, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/feed"), signals.SourceState{})
			want := fmt.Sprintf("fetch %s/feed: body exceeds %d bytes (fetch.max_body)", srv.URL, max)
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v, want %q", err, want)
			}
			if st.ErrorKind != signals.ErrTooLarge {
				t.Errorf("kind = %q, want too_large", st.ErrorKind)
			}
		})
	}
}

// gzipBomb is n zero bytes gzip-compressed, about n/1000 bytes on the
// wire: one compressed MiB of zeros repeated as gzip members, which readers
// decode as one stream.
func gzipBomb(t testing.TB, n int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), n>>20)
}

// serveGzipBomb serves bomb as a gzip-encoded feed.
func serveGzipBomb(bomb []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	}
}

func TestFetchSlowDripTimesOut(t *testing.T) {
	stop := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<"))
		w.(http.Flusher).Flush()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	})
	defer close(stop)
	f := testFetcher(t, Options{Timeout: 300 * time.Millisecond})
	_, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/feed"), signals.SourceState{})
	if err == nil || KindOf(err) != signals.ErrTimeout || st.ErrorKind != signals.ErrTimeout {
		t.Fatalf("err = %v (kind %q), want a timeout", err, KindOf(err))
	}
	if !strings.Contains(err.Error(), srv.URL+"/feed") {
		t.Errorf("error %q does not name the url", err)
	}
}

func TestFetchRedirects(t *testing.T) {
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		errContains string
	}{
		{"loop", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/a" {
				http.Redirect(w, r, "/b", http.StatusFound)
				return
			}
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		}, "redirect loop"},
		{"self", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}, "redirect loop"},
		{"too many", func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(r.URL.Path, "/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/%d", n+1), http.StatusFound)
		}, "more than 5 redirects"},
		{"to ftp", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "ftp://files.example/feed", http.StatusFound)
		}, "scheme must be http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := testFetcher(t, Options{})
			_, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/a"), signals.SourceState{})
			if err == nil || !strings.Contains(err.Error(), tt.errContains) || st.ErrorKind != signals.ErrHTTP {
				t.Fatalf("err = %v (kind %q), want %q", err, st.ErrorKind, tt.errContains)
			}
		})
	}
	t.Run("five redirects are followed", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(r.URL.Path, "/%d", &n)
			if n < 5 {
				http.Redirect(w, r, fmt.Sprintf("/%d", n+1), http.StatusFound)
				return
			}
			w.Write(readFixture(t, "atom.xml"))
		})
		f := testFetcher(t, Options{})
		res, _, err := f.Fetch(context.Background(), feedSource(srv.URL+"/0"), signals.SourceState{})
		if err != nil || len(res.Items) != 2 {
			t.Fatalf("%d items, %v", len(res.Items), err)
		}
	})
}

// privatePort makes one loopback port count as private, and the rest as
// public, so tests on 127.0.0.1 can play a public site and a private one.
func privatePort(port uint16) func(netip.AddrPort) bool {
	return func(ap netip.AddrPort) bool { return ap.Port() == port }
}

func portOf(t *testing.T, srv *httptest.Server) uint16 {
	t.Helper()
	ap, err := netip.ParseAddrPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return ap.Port()
}

func TestFetchPrivateAddressBlocked(t *testing.T) {
	var reached atomic.Int32
	private := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Write(readFixture(t, "atom.xml"))
	})
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, private.URL+"/feed", http.StatusFound)
		case "/home":
			fmt.Fprintf(w, `<html><head><link rel="alternate" type="application/rss+xml" href="%s/feed"></head></html>`, private.URL)
		default:
			http.NotFound(w, r)
		}
	})
	newFetcher := func() *Fetcher {
		f := testFetcher(t, Options{})
		f.guard.private = privatePort(portOf(t, private))
		f.client = newClient(f.opt, f.guard)
		return f
	}
	t.Run("redirect", func(t *testing.T) {
		_, st, err := newFetcher().Fetch(context.Background(), feedSource(public.URL+"/redirect"), signals.SourceState{})
		if err == nil || st.ErrorKind != signals.ErrPrivate || !strings.Contains(err.Error(), "private or loopback address not allowed") {
			t.Fatalf("err = %v (kind %q), want private_address", err, st.ErrorKind)
		}
	})
	t.Run("autodiscovered feed", func(t *testing.T) {
		_, st, err := newFetcher().Fetch(context.Background(), signals.NewSource(signals.KindSite, public.URL+"/home", signals.PageSpec{}), signals.SourceState{})
		if err == nil || !strings.Contains(err.Error(), "private or loopback address not allowed") || st.FeedURL != "" {
			t.Fatalf("err = %v, state %+v; want the private feed refused", err, st)
		}
	})
	if n := reached.Load(); n != 0 {
		t.Errorf("private server reached %d times", n)
	}
	t.Run("configured private url is allowed", func(t *testing.T) {
		res, _, err := newFetcher().Fetch(context.Background(), feedSource(private.URL+"/feed"), signals.SourceState{})
		if err != nil || len(res.Items) != 2 {
			t.Fatalf("%d items, %v", len(res.Items), err)
		}
	})
}

func TestFetchRobots(t *testing.T) {
	t.Parallel()
	var pageHits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow:\n\nUser-agent: veillebot\nDisallow: /prive/\nCrawl-delay: 0.2\n")
		case "/feed":
			w.Write(readFixture(t, "atom.xml"))
		default:
			pageHits.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(readFixture(t, "newsroom_utf8.html"))
		}
	})
	spec := signals.PageSpec{Item: ".post", Title: ".post-title"}
	f := testFetcher(t, Options{Robots: true})
	_, st, err := f.Fetch(context.Background(), signals.NewSource(signals.KindPage, srv.URL+"/prive/actualites", spec), signals.SourceState{})
	if err == nil || st.ErrorKind != signals.ErrRobots || !strings.Contains(err.Error(), "disallowed by") {
		t.Fatalf("err = %v (kind %q), want robots", err, st.ErrorKind)
	}
	if pageHits.Load() != 0 {
		t.Error("disallowed page was fetched")
	}
	if g := f.gates.gate(strings.TrimPrefix(srv.URL, "http://")); g.limiter.Limit() != every(200*time.Millisecond) {
		t.Errorf("crawl-delay not applied: limit %v", g.limiter.Limit())
	}
	res, _, err := f.Fetch(context.Background(), signals.NewSource(signals.KindPage, srv.URL+"/actualites", spec), signals.SourceState{})
	if err != nil || len(res.Items) != 3 {
		t.Fatalf("allowed page: %d items, %v", len(res.Items), err)
	}
	if _, _, err := f.Fetch(context.Background(), feedSource(srv.URL+"/prive/feed"), signals.SourceState{}); KindOf(err) == signals.ErrRobots {
		t.Errorf("feed checked against robots.txt: %v", err)
	}
	t.Run("5xx robots disallows, 4xx allows", func(t *testing.T) {
		for _, tc := range []struct {
			status int
			kind   signals.ErrorKind
		}{{500, signals.ErrRobots}, {404, ""}} {
			s := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					w.WriteHeader(tc.status)
					return
				}
				w.Write(readFixture(t, "newsroom_utf8.html"))
			})
			_, st, _ := testFetcher(t, Options{Robots: true}).Fetch(context.Background(), signals.NewSource(signals.KindPage, s.URL+"/news", spec), signals.SourceState{})
			if st.ErrorKind != tc.kind {
				t.Errorf("robots.txt %d: kind %q, want %q", tc.status, st.ErrorKind, tc.kind)
			}
		}
	})
}

func TestFetchWindows1252Page(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write(readFixture(t, "page_cp1252.html"))
	})
	src := signals.NewSource(signals.KindPage, srv.URL+"/actualites", signals.PageSpec{Item: "article.news", Title: "h2", Date: "time@datetime"})
	res, _, err := testFetcher(t, Options{}).Fetch(context.Background(), src, signals.SourceState{})
	if err != nil || len(res.Items) != 2 {
		t.Fatalf("%d items, %v", len(res.Items), err)
	}
	if got := res.Items[0].Title; got != "L’usine de Lorient s’agrandit : œuvre collective" {
		t.Errorf("title = %q", got)
	}
}

func TestFetchCareersDelta(t *testing.T) {
	var version atomic.Int32
	version.Store(1)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(readFixture(t, fmt.Sprintf("careers_v%d.html", version.Load())))
	})
	f := testFetcher(t, Options{})
	src := signals.NewSource(signals.KindChanges, srv.URL+"/carrieres", signals.PageSpec{Select: ".job-offer"})

	res, st, err := f.Fetch(context.Background(), src, signals.SourceState{})
	if err != nil || len(res.Items) != 0 || !st.HasBaseline || len(st.Baseline) != 12 {
		t.Fatalf("first visit: %d items, baseline %d (%v), %v", len(res.Items), len(st.Baseline), st.HasBaseline, err)
	}
	res, st, err = f.Fetch(context.Background(), src, st)
	if err != nil || len(res.Items) != 0 {
		t.Fatalf("unchanged page: %d items, %v", len(res.Items), err)
	}
	version.Store(2)
	res, st, err = f.Fetch(context.Background(), src, st)
	if err != nil || len(res.Items) != 1 || len(st.Baseline) != 18 {
		t.Fatalf("changed page: %d items, baseline %d, %v", len(res.Items), len(st.Baseline), err)
	}
	it := res.Items[0]
	if it.SourceID != src.ID || !strings.HasPrefix(it.Title, "12 → 18 job offers; new: Responsable achats") ||
		len(it.Hints) != 1 || it.Hints[0] != signals.HRMoves || !strings.Contains(it.Summary, "Contrôleur de gestion") {
		t.Errorf("change item = %+v", it)
	}
}

func TestFetchSiteAutodiscovery(t *testing.T) {
	var feedHits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/fr/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(readFixture(t, "site_home.html"))
		case "/fr/feed/":
			feedHits.Add(1)
			w.Header().Set("ETag", `"f1"`)
			w.Write(readFixture(t, "rss2_relative.xml"))
		case "/plain/":
			w.Write([]byte("<html><body>no links</body></html>"))
		case "/rss.xml":
			w.Write(readFixture(t, "atom.xml"))
		default:
			http.NotFound(w, r)
		}
	})
	f := testFetcher(t, Options{})
	res, st, err := f.Fetch(context.Background(), signals.NewSource(signals.KindSite, srv.URL+"/fr/", signals.PageSpec{}), signals.SourceState{})
	if err != nil || len(res.Items) != 3 || st.FeedURL != srv.URL+"/fr/feed/" || st.ETag != `"f1"` {
		t.Fatalf("discovery: %d items, state %+v, %v", len(res.Items), st, err)
	}
	if _, st, err = f.Fetch(context.Background(), signals.NewSource(signals.KindSite, srv.URL+"/fr/", signals.PageSpec{}), st); err != nil || feedHits.Load() != 2 {
		t.Fatalf("remembered feed: hits %d, %v", feedHits.Load(), err)
	}
	res, st, err = f.Fetch(context.Background(), signals.NewSource(signals.KindSite, srv.URL+"/plain/", signals.PageSpec{}), signals.SourceState{})
	if err != nil || st.FeedURL != srv.URL+"/rss.xml" || len(res.Items) != 2 {
		t.Fatalf("well-known path: %d items, state %+v, %v", len(res.Items), st, err)
	}
}

func TestFetchCancelledKeepsState(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	prev := signals.SourceState{Failures: 2, ETag: `"x"`}
	_, st, err := testFetcher(t, Options{}).Fetch(ctx, feedSource(srv.URL), prev)
	if !errors.Is(err, context.Canceled) || st.Failures != 2 || !st.LastAttempt.IsZero() {
		t.Fatalf("err = %v, state %+v; want canceled and the state unchanged", err, st)
	}
}
