package sources

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// rotatingFeed is an RSS feed of three items, first..first+2, as a news
// feed moves on between polls. Item i is identified by its guid, its link
// or (neither) its title and date, by i%3, so every kind of item id is
// known across fetches.
func rotatingFeed(first int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>`)
	for i := first; i < first+3; i++ {
		id := ""
		switch i % 3 {
		case 0:
			id = fmt.Sprintf("<guid>item-%d</guid>", i)
		case 1:
			id = fmt.Sprintf("<link>/news/%d</link>", i)
		}
		fmt.Fprintf(&b, `<item><title>Titre &lt;b&gt;%d&lt;/b&gt;</title>%s<pubDate>Mon, 02 Jun 2025 0%d:00:00 GMT</pubDate><description>&lt;p&gt;Texte %d&lt;/p&gt;</description></item>`, i, id, i%10, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// A feed's items that its last document carried are neither extracted nor
// returned again; the new ones come whole. A failed fetch keeps the list.
func TestFetchReturnsOnlyItemsNotInLastDocument(t *testing.T) {
	var first atomic.Int32
	var broken atomic.Bool
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			w.Write([]byte("<html><body>maintenance</body></html>"))
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(rotatingFeed(int(first.Load()))))
	})
	f := testFetcher(t, Options{})
	src := feedSource(srv.URL + "/feed.xml")
	fetch := func(st signals.SourceState) ([]string, signals.SourceState) {
		t.Helper()
		res, next, err := f.Fetch(context.Background(), src, st)
		if err != nil || res.NotModified {
			t.Fatalf("fetch: not modified %v, %v", res.NotModified, err)
		}
		var titles []string
		for _, it := range res.Items {
			if it.Summary == "" {
				t.Errorf("item %q returned without its text", it.Title)
			}
			titles = append(titles, it.Title)
		}
		return titles, next
	}
	steps := []struct {
		first int
		fail  bool // the fetch before this one fails
		want  string
	}{
		{first: 1, want: "Titre 1|Titre 2|Titre 3"},
		{first: 2, want: "Titre 4"},
		{first: 3, want: "Titre 5"},
		{first: 5, fail: true, want: "Titre 6|Titre 7"},
		{first: 1, want: "Titre 1|Titre 2|Titre 3"}, // out of the last document: the store dedups them
	}
	var st signals.SourceState
	for i, s := range steps {
		if s.fail {
			broken.Store(true)
			_, failedSt, err := f.Fetch(context.Background(), src, st)
			if err == nil {
				t.Fatalf("step %d: maintenance page accepted as a feed", i)
			}
			st = failedSt
			broken.Store(false)
		}
		first.Store(int32(s.first))
		var titles []string
		titles, st = fetch(st)
		if got := strings.Join(titles, "|"); got != s.want {
			t.Errorf("step %d (items %d..%d): got %q, want %q", i, s.first, s.first+2, got, s.want)
		}
		if len(st.Known) != 3 {
			t.Errorf("step %d: %d known items, want the document's 3", i, len(st.Known))
		}
	}
}

// A feed longer than maxKnown keeps its first items' fingerprints; the
// others come back at each fetch, for the store to find them stored.
func TestKnownBoundedOnLongFeeds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>t</title>`)
	for i := range maxKnown + 5 {
		fmt.Fprintf(&b, `<item><title>Titre %d</title><guid>item-%d</guid></item>`, i, i)
	}
	b.WriteString(`</channel></rss>`)
	d := newFeedDecoder(0)
	items, known, err := d.decode(context.Background(), []byte(b.String()), "application/rss+xml", "https://feeds.example/", fixedNow, nil)
	if err != nil || len(items) != maxKnown+5 || len(known) != maxKnown {
		t.Fatalf("first decode: %d items, %d known, %v; want %d items, %d known", len(items), len(known), err, maxKnown+5, maxKnown)
	}
	again, _, err := d.decode(context.Background(), []byte(b.String()), "application/rss+xml", "https://feeds.example/", fixedNow, known)
	if err != nil || len(again) != 5 || again[0].Title != fmt.Sprintf("Titre %d", maxKnown) {
		t.Fatalf("decoded again: %d items, %v; want the 5 beyond the first %d", len(again), err, maxKnown)
	}
}
