package sources

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func decodeFixture(t *testing.T, name, contentType, feedURL string) ([]signals.Item, error) {
	t.Helper()
	items, _, err := newFeedDecoder(0).decode(context.Background(), readFixture(t, name), contentType, feedURL, fixedNow, nil)
	return items, err
}

func TestParseFeedRSSRelativeLinks(t *testing.T) {
	items, err := decodeFixture(t, "rss2_relative.xml", "application/rss+xml", "https://breizh-conserves.fr/fr/feed/")
	if err != nil {
		t.Fatal(err)
	}
	want := []signals.Item{
		{
			URL:       "https://breizh-conserves.fr/actualites/nouvel-entrepot-quimper",
			GUID:      "bc-2025-031",
			Title:     "Breizh Conserves inaugure un nouvel entrepôt à Quimper",
			Summary:   "Le groupe investit 12 M€ dans un entrepôt logistique de 8 000 m².",
			Published: time.Date(2025, 3, 12, 8, 30, 0, 0, time.UTC),
			Lang:      "fr",
		},
		{
			URL:       "https://breizh-conserves.fr/fr/feed/actualites/nomination-directrice-achats",
			Title:     "Nomination : Marie Le Gall devient directrice des achats",
			Summary:   "Marie Le Gall rejoint le comité de direction & pilotera les achats.",
			Published: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
			Lang:      "fr",
		},
		{
			Title:     "Résultats annuels 2024",
			Summary:   "Chiffre d'affaires en hausse de 8 %.",
			Published: fixedNow,
			Lang:      "fr",
		},
	}
	compareItems(t, items, want)
	if id := items[2].ID(); !strings.HasPrefix(id, "h:") {
		t.Errorf("item without guid or link: ID = %q, want a title|date hash", id)
	}
}

func TestParseFeedFormats(t *testing.T) {
	tests := []struct {
		name, fixture, contentType, url string
		want                            []signals.Item
	}{
		{"atom", "atom.xml", "application/atom+xml", "https://acme.example.com/feed.atom", []signals.Item{
			{URL: "https://acme.example.com/news/lyon-plant?a=1&b=2", GUID: "tag:acme.example.com,2025:lyon",
				Title: "Acme opens a plant in Lyon & hires 200", Summary: "Acme announced today a new plant.",
				Published: time.Date(2025, 3, 10, 18, 30, 2, 0, time.UTC), Lang: "en"},
			{URL: "https://acme.example.com/news/cfo", Title: "CFO steps down", Summary: "The CFO leaves after ten years.",
				Published: time.Date(2025, 3, 8, 7, 0, 0, 0, time.UTC), Lang: "en"},
		}},
		{"json feed", "feed.json", "application/feed+json", "https://nordik.example/feed.json", []signals.Item{
			{URL: "https://nordik.example/p/42", GUID: "https://nordik.example/p/42", Title: "Nordik raises €30M Series B",
				Summary: "The round was led by Frost Capital.", Published: time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC), Lang: "en"},
		}},
		{"latin-1 without declaration", "latin1_undeclared.xml", "text/xml", "https://ouest.example/economie.rss", []signals.Item{
			{URL: "https://ouest.example/economie/armor-emballages-40-emplois", Title: "Armor Emballages crée 40 emplois à Lorient",
				Summary:   "L'entreprise prévoit un nouveau bâtiment d'ici l'été, pour 3 M€.",
				Published: time.Date(2025, 3, 11, 6, 0, 0, 0, time.UTC)},
		}},
		{"long comment before root", "long_comment.xml", "application/rss+xml", "https://legacy.example/rss", []signals.Item{
			{URL: "https://legacy.example/fusion", Title: "Fusion avec Kerloc", Published: time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := decodeFixture(t, tt.fixture, tt.contentType, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			compareItems(t, items, tt.want)
		})
	}
}

func TestParseFeedOlderFormats(t *testing.T) {
	tests := []struct {
		name, body string
		want       signals.Item
	}{
		{"rss 0.91", `<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="0.91"><channel><title>Le Télégramme</title><link>https://t.example/</link><language>fr</language>
<item><title>Kerloc embauche</title><link>https://t.example/kerloc</link><description>30 postes &#224; pourvoir</description></item>
</channel></rss>`, signals.Item{URL: "https://t.example/kerloc", Title: "Kerloc embauche", Summary: "30 postes à pourvoir", Lang: "fr"}},
		{"rss 1.0 (rdf)", `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
<item rdf:about="https://r.example/a"><title>Ouverture d'un site</title><link>https://r.example/a</link><dc:date>2025-03-01T09:00:00+01:00</dc:date></item>
</rdf:RDF>`, signals.Item{URL: "https://r.example/a", Title: "Ouverture d'un site", Published: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}},
		{"atom 0.3", `<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title><link rel="alternate" type="text/html" href="https://o.example/"/>
<entry><title>Nouveau directeur</title><link rel="alternate" type="text/html" href="https://o.example/dir"/><id>tag:o.example,2005:1</id><issued>2025-02-01T10:00:00Z</issued><modified>2025-02-02T10:00:00Z</modified></entry>
</feed>`, signals.Item{URL: "https://o.example/dir", GUID: "tag:o.example,2005:1", Title: "Nouveau directeur", Published: time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, _, err := newFeedDecoder(0).decode(context.Background(), []byte(tt.body), "application/xml", "https://feeds.example/", fixedNow, nil)
			if err != nil {
				t.Fatal(err)
			}
			compareItems(t, items, []signals.Item{tt.want})
		})
	}
}

func TestParseFeedNotAFeed(t *testing.T) {
	tests := []struct{ name, body string }{
		{"html page", string(readFixture(t, "html_not_feed.html"))},
		{"plain text", "Service temporarily unavailable"},
		{"empty", ""},
		{"other xml", `<?xml version="1.0"?><sitemap><url>https://x/</url></sitemap>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFeed(strings.NewReader(tt.body), "text/html", "https://x.example/feed")
			if !errors.Is(err, errNotFeed) {
				t.Fatalf("err = %v, want not a feed", err)
			}
			if !strings.Contains(err.Error(), "https://x.example/feed") {
				t.Errorf("error %q does not name the url", err)
			}
		})
	}
}

func TestParseFeedReader(t *testing.T) {
	items, err := ParseFeed(bytes.NewReader(readFixture(t, "atom.xml")), "", "https://acme.example.com/feed.atom")
	if err != nil || len(items) != 2 {
		t.Fatalf("ParseFeed = %d items, %v; want 2", len(items), err)
	}
}

func compareItems(t *testing.T, got, want []signals.Item) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.URL != w.URL || g.GUID != w.GUID || g.Title != w.Title || g.Summary != w.Summary ||
			!g.Published.Equal(w.Published) || g.Lang != w.Lang || g.SourceID != w.SourceID ||
			strings.Join(labels(g.Hints), ",") != strings.Join(labels(w.Hints), ",") {
			t.Errorf("item %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func labels(ls []signals.Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}
