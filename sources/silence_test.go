package sources

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// TestFetchSilence follows a newsroom through a redesign that breaks its
// selectors, and a feed that empties: each fetch succeeds, and the state
// says since when the source yields nothing and why.
func TestFetchSilence(t *testing.T) {
	const news = `<html><body><article class="news"><h2>Kerloc opens a plant</h2><a href="/n/1">more</a><time datetime="2025-03-19">19 March</time></article>
<article class="news"><h2>Kerloc hires</h2><a href="/n/2">more</a></article></body></html>`
	const redesign = `<html><body><div class="card"><h3>Kerloc opens a plant</h3><a href="/n/1">more</a></div></body></html>`
	const wrongTitle = `<html><body><article class="news"><h3>Kerloc opens a plant</h3><a href="/n/1">more</a></article></body></html>`
	const fullFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>K</title><item><title>Kerloc news</title><link>https://kerloc.example/n/1</link></item></channel></rss>`
	const emptyFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>K</title></channel></rss>`
	day := 24 * time.Hour
	pageSpec := signals.PageSpec{Item: "article.news", Title: "h2", Date: "time@datetime"}
	tests := []struct {
		name   string
		kind   signals.SourceKind
		spec   signals.PageSpec
		bodies []string
		want   []signals.Silence // after each fetch
		what   string            // SilentWhat after the last
	}{
		{"page redesign", signals.KindPage, pageSpec, []string{news, redesign, redesign + " ", news},
			[]signals.Silence{"", signals.SilenceSelector, signals.SilenceSelector, ""}, ""},
		{"item selector never matched", signals.KindPage, pageSpec, []string{redesign},
			[]signals.Silence{signals.SilenceSelector}, `item "article.news"`},
		{"field selectors match in no item", signals.KindPage, pageSpec, []string{news, wrongTitle},
			[]signals.Silence{"", signals.SilenceSelector}, `title "h2", date "time@datetime"`},
		{"change watch", signals.KindChanges, signals.PageSpec{Select: "article.news"}, []string{news, redesign},
			[]signals.Silence{"", signals.SilenceSelector}, `select "article.news"`},
		{"feed empties", signals.KindFeed, signals.PageSpec{}, []string{fullFeed, fullFeed + " ", emptyFeed, emptyFeed + " "},
			[]signals.Silence{"", "", signals.SilenceEmpty, signals.SilenceEmpty}, ""},
		{"feed empty from the start", signals.KindFeed, signals.PageSpec{}, []string{emptyFeed},
			[]signals.Silence{""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				body := tt.bodies[min(int(n.Add(1))-1, len(tt.bodies)-1)]
				if strings.HasPrefix(body, "<?xml") {
					w.Header().Set("Content-Type", "application/rss+xml")
				} else {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
				}
				w.Write([]byte(body))
			})
			now := fixedNow
			f := testFetcher(t, Options{Now: func() time.Time { return now }})
			src := signals.NewSource(tt.kind, srv.URL+"/news", tt.spec)
			var st signals.SourceState
			var silentAt time.Time
			for i, want := range tt.want {
				res, next, err := f.Fetch(context.Background(), src, st)
				if err != nil {
					t.Fatalf("fetch %d: %v", i+1, err)
				}
				if res.NotModified {
					t.Fatalf("fetch %d: not modified; each fixture differs", i+1)
				}
				if next.Silence != want {
					t.Fatalf("fetch %d: silence %q, want %q (what %q)", i+1, next.Silence, want, next.SilentWhat)
				}
				switch {
				case want == "" && !next.SilentSince.IsZero():
					t.Errorf("fetch %d: silent since %v while yielding", i+1, next.SilentSince)
				case want != "" && silentAt.IsZero():
					silentAt = now
					fallthrough
				case want != "":
					if !next.SilentSince.Equal(silentAt) {
						t.Errorf("fetch %d: silent since %v, want %v (the first silent fetch)", i+1, next.SilentSince, silentAt)
					}
				}
				st = next
				now = now.Add(day)
			}
			if st.SilentWhat != tt.what {
				t.Errorf("silent what %q, want %q", st.SilentWhat, tt.what)
			}
		})
	}
}
