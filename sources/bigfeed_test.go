package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// bigFeed is an RSS document of n items, each with its own link, date and
// a short description: what a site that never trims its feed serves. Item
// i is i minutes old; oldestFirst lists them the wrong way round.
func bigFeed(n int, oldestFirst bool) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><language>fr</language>`)
	for k := range n {
		i := k
		if oldestFirst {
			i = n - 1 - k
		}
		at := fixedNow.Add(-time.Duration(i) * time.Minute).Format(time.RFC1123Z)
		fmt.Fprintf(&b, "<item><title>Article %d sur l'usine</title><link>https://big.example/a/%d</link><pubDate>%s</pubDate><description>Texte %d.</description></item>\n", i, i, at, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.Bytes()
}

// TestFetchCapsItems checks that a fetch keeps the newest fetch.max_items
// items of a feed four times longer, in whichever order the feed lists
// them.
func TestFetchCapsItems(t *testing.T) {
	t.Parallel()
	for _, oldestFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("oldest first %v", oldestFirst), func(t *testing.T) {
			body := bigFeed(4*defaultMaxItems, oldestFirst)
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Write(body)
			})
			f := testFetcher(t, Options{MaxBody: 16 << 20})
			res, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/rss"), signals.SourceState{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != defaultMaxItems {
				t.Fatalf("%d items, want the default cap %d", len(res.Items), defaultMaxItems)
			}
			oldest := fixedNow.Add(-(defaultMaxItems - 1) * time.Minute)
			for _, it := range res.Items {
				if it.Published.Before(oldest) {
					t.Fatalf("item %q of %v kept, older than the %d newest", it.Title, it.Published, defaultMaxItems)
				}
			}
			if len(st.Known) != defaultMaxItems {
				t.Errorf("%d known fingerprints, want %d", len(st.Known), defaultMaxItems)
			}
		})
	}
	t.Run("configured cap", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(bigFeed(50, false)) })
		res, _, err := testFetcher(t, Options{MaxItems: 7}).Fetch(context.Background(), feedSource(srv.URL+"/rss"), signals.SourceState{})
		if err != nil || len(res.Items) != 7 || res.Items[0].Title != "Article 0 sur l'usine" || res.Items[6].Title != "Article 6 sur l'usine" {
			t.Fatalf("%d items (%v), want articles 0 to 6", len(res.Items), err)
		}
	})
}

// TestPageCapsItems checks the cap on a page in selector mode: the newest
// are kept, in document order.
func TestPageCapsItems(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><body><ul>")
	for _, d := range []string{"2025-01-03", "2025-03-01", "2025-02-10", "2025-03-05", "2024-12-31"} {
		fmt.Fprintf(&b, `<li><a href="/%s">News of %s</a><time>%s</time></li>`, d, d, d)
	}
	b.WriteString("</ul></body></html>")
	items, err := parsePage(context.Background(), []byte(b.String()), "text/html", "https://co.example/news", signals.PageSpec{Item: "li", Title: "a", Date: "time"}, fixedNow, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Title)
	}
	if want := "News of 2025-03-01|News of 2025-02-10|News of 2025-03-05"; strings.Join(got, "|") != want {
		t.Errorf("kept %q, want %q", got, want)
	}
}

// cancelAfter is a context that reports itself cancelled once Err has
// been asked n times: it proves a loop looks at its context as it goes.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestDecodeStopsWhenCancelled checks that decoding a large feed, page
// or change-mode page stops when the job's context ends midway.
func TestDecodeStopsWhenCancelled(t *testing.T) {
	ctx := func() context.Context {
		c := &cancelAfter{Context: context.Background()}
		c.n.Store(3)
		return c
	}
	feed := bigFeed(5000, false)
	if items, _, err := newFeedDecoder(0).decode(ctx(), feed, "application/rss+xml", "https://big.example/rss", fixedNow, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("feed: %d items, %v; want context.Canceled", len(items), err)
	}
	if items, _, err := newFeedDecoder(500).decode(ctx(), feed, "application/rss+xml", "https://big.example/rss", fixedNow, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("capped feed: %d items, %v; want context.Canceled", len(items), err)
	}
	page := []byte("<html><body><ul>" + strings.Repeat(`<li><a href="/x">News</a></li>`, 5000) + "</ul></body></html>")
	if items, err := parsePage(ctx(), page, "text/html", "https://co.example/", signals.PageSpec{Item: "li"}, fixedNow, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("page: %d items, %v; want context.Canceled", len(items), err)
	}
	if texts, _, err := extractChanges(ctx(), page, "text/html", "https://co.example/", "li"); !errors.Is(err, context.Canceled) {
		t.Errorf("changes: %d texts, %v; want context.Canceled", len(texts), err)
	}
}

// BenchmarkBigFeed times a fetch-sized decode of a 40k-item feed (8.5 MiB)
// with the default cap: parsing is linear, extraction bounded by the cap.
func BenchmarkBigFeed(b *testing.B) {
	body := bigFeed(40000, false)
	d := newFeedDecoder(defaultMaxItems)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if items, _, err := d.decode(context.Background(), body, "application/rss+xml", "https://big.example/rss", fixedNow, nil); err != nil || len(items) != defaultMaxItems {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}
