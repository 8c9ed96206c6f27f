package sources

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func TestParsePage(t *testing.T) {
	tests := []struct {
		name, fixture, contentType, url string
		spec                            signals.PageSpec
		want                            []signals.Item
	}{
		{"windows-1252 page with base href", "page_cp1252.html", "text/html; charset=windows-1252", "https://armor-emballages.example/actualites",
			signals.PageSpec{Item: "article.news", Title: "h2", Date: "time@datetime", Summary: "p"},
			[]signals.Item{
				{URL: "https://armor-emballages.example/fr/actualites/usine-lorient", Title: "L’usine de Lorient s’agrandit : œuvre collective",
					Summary: "Investissement de 3 M€, 40 embauches prévues.", Published: time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC), Lang: "fr"},
				{URL: "https://armor-emballages.example/fr/actualites/salon", Title: "Armor Emballages au salon « Emballage & Conditionnement »",
					Summary: "Retrouvez-nous hall 4.", Lang: "fr"},
			}},
		{"windows-1252 page without any declaration", "page_cp1252.html", "text/html", "https://armor-emballages.example/actualites",
			signals.PageSpec{Item: "article.news", Title: "h2", Date: ".date"},
			[]signals.Item{
				{URL: "https://armor-emballages.example/fr/actualites/usine-lorient", Title: "L’usine de Lorient s’agrandit : œuvre collective", Lang: "fr"},
				{URL: "https://armor-emballages.example/fr/actualites/salon", Title: "Armor Emballages au salon « Emballage & Conditionnement »",
					Published: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Lang: "fr"},
			}},
		{"undeclared utf-8 page, relative links, human dates", "newsroom_utf8.html", "text/html", "https://kerloc.example/actualites/",
			signals.PageSpec{Item: ".post", Title: ".post-title", Link: ".post-title a@href", Date: ".date", Summary: ".excerpt"},
			[]signals.Item{
				{URL: "https://kerloc.example/blog/2025/03/rachat-atelier-brestois?ref=home", Title: "Kerloc rachète l’atelier brestois Mécaniques du Ponant",
					Summary: "Une acquisition qui porte l’effectif à 180 salariés.", Published: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Lang: "fr"},
				{URL: "https://kerloc.example/blog/2025/02/certification", Title: "Certification ISO 14001 obtenue",
					Summary: "Après deux ans d’efforts : la certification est là.", Published: time.Date(2025, 2, 12, 0, 0, 0, 0, time.UTC), Lang: "fr"},
				{Title: "Sans lien", Lang: "fr"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := parsePage(context.Background(), readFixture(t, tt.fixture), tt.contentType, tt.url, tt.spec, fixedNow, 0)
			if err != nil {
				t.Fatal(err)
			}
			compareItems(t, items, tt.want)
		})
	}
}

func TestParsePageSpecErrors(t *testing.T) {
	tests := []struct {
		name string
		spec signals.PageSpec
	}{
		{"no item", signals.PageSpec{Title: "h2"}},
		{"bad item selector", signals.PageSpec{Item: "article[", Title: "h2"}},
		{"bad title selector", signals.PageSpec{Item: "article", Title: "h2:nth-child("}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePage(strings.NewReader("<html></html>"), "text/html", "https://x.example/news", tt.spec)
			if err == nil || !strings.Contains(err.Error(), "https://x.example/news") {
				t.Fatalf("err = %v, want an error naming the page", err)
			}
		})
	}
}

func TestDiscoverFeeds(t *testing.T) {
	got, err := DiscoverFeeds(strings.NewReader(string(readFixture(t, "site_home.html"))), "text/html", "https://kerloc.example/fr/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://kerloc.example/fr/feed/", "https://kerloc.example/fr/comments/feed/"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("DiscoverFeeds = %v, want %v", got, want)
	}
}

func TestChangesDiff(t *testing.T) {
	v1, _, err := extractChanges(context.Background(), readFixture(t, "careers_v1.html"), "text/html", "https://bc.example/carrieres", ".job-offer")
	if err != nil {
		t.Fatal(err)
	}
	v2, lang, err := extractChanges(context.Background(), readFixture(t, "careers_v2.html"), "text/html", "https://bc.example/carrieres", ".job-offer")
	if err != nil {
		t.Fatal(err)
	}
	if len(v1) != 12 || len(v2) != 18 || lang != "fr" {
		t.Fatalf("extracted %d and %d offers (lang %q), want 12 and 18 (fr)", len(v1), len(v2), lang)
	}
	if _, changed := diffChanges(v1, v1, "https://bc.example/carrieres", "fr", fixedNow); changed {
		t.Error("same set reported as a change")
	}
	up, ok := diffChanges(v1, v2, "https://bc.example/carrieres", "fr", fixedNow)
	if !ok {
		t.Fatal("no change reported for 12 → 18")
	}
	if !strings.HasPrefix(up.Title, "12 → 18 job offers; new: Responsable achats H/F Quimper (29)"+signals.OfferSep) {
		t.Errorf("title = %q", up.Title)
	}
	if !strings.Contains(up.Summary, "Directeur commercial export H/F") || strings.Contains(up.Summary, "Cariste") {
		t.Errorf("summary = %q, want the new offers only", up.Summary)
	}
	if len(up.Hints) != 1 || up.Hints[0] != signals.HRMoves {
		t.Errorf("hints = %v, want [hr_moves]", up.Hints)
	}
	again, _ := diffChanges(v1, v2, "https://bc.example/carrieres", "fr", fixedNow.Add(time.Hour))
	if again.GUID != up.GUID || up.GUID == "" {
		t.Errorf("GUID not stable: %q vs %q", up.GUID, again.GUID)
	}
	down, ok := diffChanges(v2, v1, "https://bc.example/carrieres", "fr", fixedNow)
	if !ok || len(down.Hints) != 0 || !strings.HasPrefix(down.Title, "18 → 12 job offers; removed: ") {
		t.Errorf("18 → 12: %+v", down)
	}
	if down.GUID == up.GUID {
		t.Error("different sets share a GUID")
	}
}
