package sources

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// testSite serves files by path; other paths are 404. It records the
// paths asked for.
type testSite struct {
	mu    sync.Mutex
	asked []string
	files map[string]string // path -> testdata/discover file, or "redirect:/x"
}

func (s *testSite) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.asked = append(s.asked, r.URL.Path)
		s.mu.Unlock()
		name, ok := s.files[r.URL.Path]
		switch {
		case !ok:
			http.NotFound(w, r)
		case strings.HasPrefix(name, "redirect:"):
			http.Redirect(w, r, strings.TrimPrefix(name, "redirect:"), http.StatusMovedPermanently)
		case strings.HasPrefix(name, "text:"):
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(strings.TrimPrefix(name, "text:")))
		default:
			ct := "text/html; charset=utf-8"
			if strings.HasSuffix(name, ".xml") {
				ct = "application/rss+xml"
			}
			w.Header().Set("Content-Type", ct)
			w.Write(readFixture(t, "discover/"+name))
		}
	}
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		start     string
		feeds     []string // paths
		newsPage  string
		spec      signals.PageSpec
		firstItem string
		neverAsk  []string
	}{
		{
			name:  "site with a feed link",
			files: map[string]string{"/": "feedlink_home.html", "/news/feed.xml": "feedlink_feed.xml"},
			start: "/", feeds: []string{"/news/feed.xml"},
			neverAsk: []string{"/feed", "/rss.xml"}, // the advertised feed is enough
		},
		{
			name: "WordPress news page with its feeds turned off",
			files: map[string]string{"/actualites/": "wordpress_blog.html", "/feed": "redirect:/actualites/",
				"/actualites/feed": "redirect:/actualites/"},
			start: "/actualites/", newsPage: "/actualites/",
			spec:      signals.PageSpec{Item: "article.post.type-post", Title: "h2", Link: "h2 a@href", Date: "time@datetime", Summary: "p"},
			firstItem: "Kerloc Industries ouvre une nouvelle usine à Brest",
		},
		{
			name: "French newsroom without feed, linked from the home page",
			files: map[string]string{"/": "newsroom_home.html", "/salle-de-presse": "newsroom_press.html",
				"/robots.txt": "text:User-agent: *\nDisallow: /rss\nDisallow: /feed\n"},
			start: "/", newsPage: "/salle-de-presse",
			spec:      signals.PageSpec{Item: "div.communique", Title: "h3", Link: "h3 a@href", Date: "p.communique-date", Summary: "p.chapo"},
			firstItem: "Penfret Logistique rachète les Transports Morvan",
			neverAsk:  []string{"/rss", "/feed", "/rss.xml"}, // robots.txt disallows them
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &testSite{files: tt.files}
			srv := serve(t, site.handler(t))
			f := testFetcher(t, Options{Robots: true})
			dis, err := f.Discover(context.Background(), srv.URL+tt.start, DiscoverOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var feeds []string
			for _, fd := range dis.Feeds {
				feeds = append(feeds, strings.TrimPrefix(fd.URL, srv.URL))
				if fd.Items == 0 {
					t.Errorf("feed %s: no items counted", fd.URL)
				}
			}
			if !slices.Equal(feeds, tt.feeds) {
				t.Errorf("feeds %v, want %v (tried %+v)", feeds, tt.feeds, dis.Tried)
			}
			if got := strings.TrimPrefix(dis.NewsPage, srv.URL); got != tt.newsPage {
				t.Errorf("news page %q, want %q", got, tt.newsPage)
			}
			if tt.spec.Item != "" {
				if len(dis.Pages) == 0 {
					t.Fatalf("no selectors proposed (tried %+v)", dis.Tried)
				}
				best := dis.Pages[0]
				if best.Spec != tt.spec {
					t.Errorf("best proposal %+v, want %+v (all: %+v)", best.Spec, tt.spec, dis.Pages)
				}
				if len(best.Items) < 3 || best.Items[0].Title != tt.firstItem || best.Items[0].Published.IsZero() || !strings.HasPrefix(best.Items[0].URL, "http") {
					t.Errorf("first items %+v, want %q dated and linked first", best.Items, tt.firstItem)
				}
			}
			for _, p := range tt.neverAsk {
				if slices.Contains(site.asked, p) {
					t.Errorf("asked for %s (asked %v)", p, site.asked)
				}
			}
		})
	}
}

// The sidebar's recent posts and the menu repeat too: the news blocks win.
func TestSuggestPageSpecsRanksNewsFirst(t *testing.T) {
	s, err := SuggestPageSpecs(readFixture(t, "discover/wordpress_blog.html"), "text/html", "https://kerloc.example/actualites/", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) < 2 {
		t.Fatalf("proposals %+v, want the posts and the sidebar's list", s)
	}
	if s[0].Spec.Item != "article.post.type-post" || s[0].Dated != 4 || s[0].Score <= s[1].Score {
		t.Errorf("proposals %+v, want the four posts first", s)
	}
	for _, p := range s {
		if strings.Contains(p.Spec.Item, "menu") {
			t.Errorf("the menu, without dates, is proposed: %+v", p)
		}
	}
	want := `- {url: "https://kerloc.example/actualites/", item: "article.post.type-post", title: "h2", link: "h2 a@href", date: "time@datetime", summary: "p"}`
	if got := s[0].YAML("https://kerloc.example/actualites/"); got != want {
		t.Errorf("yaml\n got %s\nwant %s", got, want)
	}
}

func TestSuggestPageSpecsNone(t *testing.T) {
	s, err := SuggestPageSpecs(readFixture(t, "discover/newsroom_home.html"), "text/html", "https://penfret.example/", fixedNow)
	if err != nil || len(s) != 0 {
		t.Errorf("proposals %+v, %v on a page with no dated blocks", s, err)
	}
}

// A newsroom a script writes has no news blocks in its HTML: Discover
// renders it and proposes selectors marked render: chromium.
func TestDiscoverRenders(t *testing.T) {
	site := &testSite{files: map[string]string{"/actualites": "newsroom_home.html"}}
	srv := serve(t, site.handler(t))
	rendered := string(readFixture(t, "discover/newsroom_press.html"))
	var renders []string
	f := testFetcher(t, Options{Renderer: renderFunc(func(_ context.Context, u, _ string, _ time.Duration, _ func(context.Context, string) error) (RenderedPage, error) {
		renders = append(renders, strings.TrimPrefix(u, srv.URL))
		return RenderedPage{HTML: []byte(rendered), URL: u, Status: 200}, nil
	})})
	dis, err := f.Discover(context.Background(), srv.URL+"/actualites", DiscoverOptions{Render: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dis.Pages) == 0 || dis.Pages[0].Spec.Render != signals.RenderChromium || dis.Pages[0].Spec.Item != "div.communique" || dis.NewsPage != srv.URL+"/actualites" {
		t.Fatalf("proposals %+v for %s, want div.communique rendered with chromium on /actualites (tried %+v)", dis.Pages, dis.NewsPage, dis.Tried)
	}
	if renders[0] != "/actualites" {
		t.Errorf("rendered %v, want the page given first", renders)
	}
	if got := dis.Pages[0].YAML(dis.NewsPage); !strings.HasSuffix(got, `, render: chromium}`) {
		t.Errorf("yaml %s lacks render: chromium", got)
	}

	f = testFetcher(t, Options{Renderer: renderFunc(func(context.Context, string, string, time.Duration, func(context.Context, string) error) (RenderedPage, error) {
		return RenderedPage{}, errors.New("chromium not found on PATH")
	})})
	dis, err = f.Discover(context.Background(), srv.URL+"/actualites", DiscoverOptions{Render: true})
	if err != nil || len(dis.Pages) != 0 {
		t.Fatalf("without a browser: %+v, %v", dis.Pages, err)
	}
	if last := dis.Tried[len(dis.Tried)-1]; last.URL != srv.URL+"/actualites" || !strings.Contains(last.Result, "render: chromium not found on PATH") {
		t.Errorf("last tried %+v, want the failed render with its reason", last)
	}
}

func TestNewsLinks(t *testing.T) {
	page := func(u, body string) *document {
		pu, _ := url.Parse(u)
		return &document{status: 200, header: http.Header{"Content-Type": {"text/html"}}, url: pu, body: []byte(body)}
	}
	tests := []struct {
		name string
		d    *document
		want []string
	}{
		{"a company's home under a folder links its newsroom below it",
			page("https://host.example/biscuiterie/", `<a href="/biscuiterie/actualites">Actualités</a><a href="/biscuiterie/contact">Contact</a>`),
			[]string{"https://host.example/biscuiterie/actualites"}},
		{"a newsroom's pagination and articles are not newsrooms",
			page("https://host.example/actualites/", `<a href="/actualites/page/2/">2</a><a href="/salle-de-presse">Presse</a>`),
			[]string{"https://host.example/salle-de-presse"}},
		{"other hosts are left alone",
			page("https://host.example/", `<a href="https://news.other.example/">News</a><a href="/news">News</a><a href="/blog">Blog</a><a href="/presse">Presse</a>`),
			[]string{"https://host.example/news", "https://host.example/blog"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newsLinks(tt.d); !slices.Equal(got, tt.want) {
				t.Errorf("news links %v, want %v", got, tt.want)
			}
		})
	}
}

// Cards that are links, English dates in a span, and a menu without dates.
func TestSuggestPageSpecsLinkCards(t *testing.T) {
	page := `<html lang="en"><body><ul class="menu"><li><a href="/">Home</a></li><li><a href="/about">About</a></li><li><a href="/news">News</a></li></ul>
<div class="grid">
<a class="card" href="/news/leeds"><h3>Ashgrove opens a plant in Leeds</h3><span class="meta">March 18, 2025</span></a>
<a class="card" href="/news/cfo"><h3>Ashgrove appoints a new CFO</h3><span class="meta">March 3, 2025</span></a>
<a class="card" href="/news/award"><h3>Ashgrove wins a regional export award</h3><span class="meta">February 12, 2025</span></a>
</div></body></html>`
	s, err := SuggestPageSpecs([]byte(page), "text/html", "https://ashgrove.example/news", fixedNow)
	if err != nil || len(s) == 0 {
		t.Fatalf("proposals %+v, %v", s, err)
	}
	want := signals.PageSpec{Item: "a.card", Title: "h3", Date: "span.meta"}
	if s[0].Spec != want || len(s[0].Items) != 3 || s[0].Items[0].URL != "https://ashgrove.example/news/leeds" || s[0].Items[2].Published.IsZero() {
		t.Errorf("best %+v with items %+v, want %+v reading the three cards", s[0].Spec, s[0].Items, want)
	}
}
