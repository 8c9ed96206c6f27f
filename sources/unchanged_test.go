package sources

import (
	"context"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// A feed or page resent byte for byte, with no validators, is reported
// unchanged and not parsed again; a new version, or a failure in between,
// is parsed as usual.
func TestFetchSkipsUnchangedDocument(t *testing.T) {
	feed := readFixture(t, "rss2_relative.xml")
	page := readFixture(t, "newsroom_utf8.html")
	var version atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body := feed
		if r.URL.Path == "/news" {
			body = page
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/rss+xml")
		}
		switch version.Load() {
		case 1:
			body = append(append([]byte(nil), body...), "\n<!-- v2 -->"...)
		case 2:
			body = []byte("<html><body>maintenance</body></html>")
		}
		w.Write(body)
	})
	f := testFetcher(t, Options{})
	sources := []signals.Source{
		feedSource(srv.URL + "/feed.xml"),
		signals.NewSource(signals.KindPage, srv.URL+"/news", signals.PageSpec{Item: ".post", Title: ".post-title", Link: ".post-title a@href", Date: ".date", Summary: ".excerpt"}),
	}
	for _, src := range sources {
		t.Run(string(src.Kind), func(t *testing.T) {
			version.Store(0)
			fetch := func(st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
				t.Helper()
				return f.Fetch(context.Background(), src, st)
			}
			res, st, err := fetch(signals.SourceState{})
			if err != nil || res.NotModified || len(res.Items) == 0 {
				t.Fatalf("first fetch: %d items, not modified %v, %v", len(res.Items), res.NotModified, err)
			}
			res, st, err = fetch(st)
			if err != nil || !res.NotModified || len(res.Items) != 0 {
				t.Fatalf("same bytes again: %d items, not modified %v, %v; want not modified", len(res.Items), res.NotModified, err)
			}
			version.Store(1)
			res, st, err = fetch(st)
			// A feed's new version carries the same items: parsed, none new.
			if wantItems := src.Kind != signals.KindFeed; err != nil || res.NotModified || (len(res.Items) > 0) != wantItems {
				t.Fatalf("new version: %d items, not modified %v, %v; want parsed", len(res.Items), res.NotModified, err)
			}
			if src.Kind != signals.KindFeed {
				return // a page with no items is not an error
			}
			version.Store(2)
			if _, st2, err := fetch(st); err == nil {
				t.Fatal("maintenance page accepted as a feed")
			} else if st2.BodyHash != st.BodyHash || !slices.Equal(st2.Known, st.Known) {
				t.Errorf("a failed fetch changed the kept hash or known items")
			}
		})
	}
}
