package sources

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/veille-hq/veille/signals"
)

// BenchmarkFeedDecode compares our decode (gofeed, then links, dates and
// HTML-to-text per item) with bare gofeed.Parser.Parse on the same bytes.
func BenchmarkFeedDecode(b *testing.B) {
	body := readFixture(b, "bench_feed.xml")
	b.Run("decode+extract", func(b *testing.B) {
		d := newFeedDecoder(0)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := d.decode(context.Background(), body, "application/rss+xml", "https://ouest.example/economie.rss", fixedNow, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A poll of a feed that moved on by two items: the others were in its
	// last document, and only the 2 new ones are extracted.
	b.Run("decode+extract/all_but_2_known", func(b *testing.B) {
		d := newFeedDecoder(0)
		const feedURL = "https://ouest.example/economie.rss"
		items, _, err := d.decode(context.Background(), body, "application/rss+xml", feedURL, fixedNow, nil)
		if err != nil || len(items) < 3 {
			b.Fatalf("%d items, %v", len(items), err)
		}
		var known []uint64
		for _, it := range items[2:] {
			known = append(known, fingerprint(it.ID()))
		}
		slices.Sort(known)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if items, _, err := d.decode(context.Background(), body, "application/rss+xml", feedURL, fixedNow, known); err != nil || len(items) != 2 {
				b.Fatalf("%d items, %v; want 2", len(items), err)
			}
		}
	})
	b.Run("gofeed.Parse", func(b *testing.B) {
		p := gofeed.NewParser()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Parse(bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkParsePage(b *testing.B) {
	body := readFixture(b, "newsroom_utf8.html")
	spec := signals.PageSpec{Item: ".post", Title: ".post-title", Link: ".post-title a@href", Date: ".date", Summary: ".excerpt"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parsePage(context.Background(), body, "text/html", "https://kerloc.example/actualites/", spec, fixedNow, 0); err != nil {
			b.Fatal(err)
		}
	}
}
