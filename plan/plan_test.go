package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	return &config.Config{
		Location: time.UTC, Timezone: "UTC",
		Scoring: config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps:    []config.Rep{{ID: "alice", Name: "Alice", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"}},
		Watchlists: []config.Watchlist{{
			ID: "agro", Owner: "alice",
			Feeds: []string{"https://news.example/eco.rss"},
			Fit:   []config.FitRule{{Field: "sector", Equals: "agroalimentaire", Points: 20}},
			Prospects: []config.Prospect{
				{Name: "Breizh Conserves", Owner: "alice", Feeds: []string{"https://breizh.example/feed"}, Fields: map[string]string{"sector": "agroalimentaire"}},
				{Name: "Armor Logistique", Owner: "alice", Fields: map[string]string{"sector": "transport"}},
			},
		}},
	}
}

// editedPlan is the plan of testConfig after an admin's edit.
func editedPlan(t *testing.T, edit func(wl *config.Watchlist)) *Plan {
	t.Helper()
	cfg := testConfig(t)
	edit(&cfg.Watchlists[0])
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The matching fingerprint moves with what matching and classifying read,
// and only with it: scoring edits are the rescore's business.
func TestMatchingFingerprint(t *testing.T) {
	base := editedPlan(t, func(*config.Watchlist) {}).MatchingFingerprint()
	for _, tc := range []struct {
		name    string
		edit    func(wl *config.Watchlist)
		changes bool
	}{
		{"alias", func(wl *config.Watchlist) { wl.Prospects[0].Aliases = []string{"BZH"} }, true},
		{"exclude", func(wl *config.Watchlist) { wl.Prospects[1].Exclude = []string{"handball"} }, true},
		{"keyword", func(wl *config.Watchlist) { wl.Keywords = map[string]int{"usine": 5} }, true},
		{"terms", func(wl *config.Watchlist) { wl.Terms = map[string][]string{"new_sites": {"entrepôt"}} }, true},
		{"an owned feed", func(wl *config.Watchlist) { wl.Prospects[1].Feeds = []string{"https://armor.example/feed"} }, true},
		{"a shared feed", func(wl *config.Watchlist) { wl.Feeds = append(wl.Feeds, "https://other.example/rss") }, true},
		{"points", func(wl *config.Watchlist) { wl.Points = map[string]int{"hr_moves": 30} }, false},
		{"fit", func(wl *config.Watchlist) { wl.Fit = nil }, false},
		{"fields", func(wl *config.Watchlist) { wl.Prospects[0].Fields = map[string]string{"sector": "x"} }, false},
	} {
		if got := editedPlan(t, tc.edit).MatchingFingerprint() != base; got != tc.changes {
			t.Errorf("%s: fingerprint changed %v, want %v", tc.name, got, tc.changes)
		}
	}
	lex, err := signals.NewLexicon(map[string][]byte{"development.local.txt": []byte("usine flambant neuve\n")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(testConfig(t), lex)
	if err != nil || p.MatchingFingerprint() == base {
		t.Errorf("a lexicon_dir file: fingerprint unchanged (%v)", err)
	}
}

// A prospect's sources are its own, its watch list's feeds and its own news
// searches; another prospect's search is not among them.
func TestProspectSources(t *testing.T) {
	p := editedPlan(t, func(wl *config.Watchlist) {
		wl.NewsSearch = []string{"https://search.example/rss?q={name}"}
	})
	tests := []struct {
		name string
		want []string
	}{
		{"breizh conserves", []string{"https://breizh.example/feed", "https://news.example/eco.rss", "https://search.example/rss?q=Breizh+Conserves"}},
		{"Armor Logistique", []string{"https://news.example/eco.rss", "https://search.example/rss?q=Armor+Logistique"}},
	}
	for _, tt := range tests {
		srcs, ok := p.ProspectSources(tt.name)
		if !ok {
			t.Fatalf("%s: no such prospect", tt.name)
		}
		var got []string
		for _, s := range srcs {
			got = append(got, s.URL)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: sources %q, want %q", tt.name, got, tt.want)
		}
	}
	if _, ok := p.ProspectSources("Nobody"); ok {
		t.Error("an unknown prospect has sources")
	}
}
