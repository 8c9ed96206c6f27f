package sources

import (
	"bytes"
	"testing"

	"github.com/mmcdole/gofeed"
)

// BenchmarkFeedDecode compares our decode (gofeed, then links, dates and
// HTML-to-text per item) with bare gofeed.Parser.Parse on the same bytes.
func BenchmarkFeedDecode(b *testing.B) {
	body := readFixture(b, "bench_feed.xml")
	b.Run("decode+extract", func(b *testing.B) {
		d := newFeedDecoder()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := d.decode(body, "application/rss+xml", "https://ouest.example/economie.rss", fixedNow, nil); err != nil {
				b.Fatal(err)
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
	spec := PageSpec{Item: ".post", Title: ".post-title", Link: ".post-title a@href", Date: ".date", Summary: ".excerpt"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parsePage(body, "text/html", "https://kerloc.example/actualites/", spec, fixedNow); err != nil {
			b.Fatal(err)
		}
	}
}
