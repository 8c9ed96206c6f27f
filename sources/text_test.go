package sources

import (
	"bytes"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"
)

// refHTMLToText is htmlToText as it was before the streaming rewrite: a whole
// DOM per fragment. It is the reference the streaming version must match.
func refHTMLToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return foldSpace(s)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return foldSpace(s)
	}
	return selectionText(doc.Selection)
}

// feedTexts returns the titles, descriptions and contents of a fixture
// feed's items: what feedItem hands to htmlToText.
func feedTexts(t testing.TB, name string) []string {
	t.Helper()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(readFixture(t, name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	for _, it := range feed.Items {
		out = append(out, it.Title, it.Description, it.Content)
	}
	return out
}

// benchFeeds are real-shaped feeds: a regional news RSS with HTML in CDATA,
// and two documents of the shared bench feed server (RSS with CDATA
// summaries, Atom with escaped ones).
var benchFeeds = []string{"bench_feed.xml", "feedserver_rss_cdata.xml", "feedserver_atom.xml"}

func BenchmarkHTMLToText(b *testing.B) {
	for _, name := range benchFeeds {
		texts := feedTexts(b, name)
		var n int
		for _, s := range texts {
			n += len(s)
		}
		b.Run(strings.TrimSuffix(name, ".xml"), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range texts {
					htmlToText(s)
				}
			}
		})
	}
}
