package watcher

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

const (
	searchBreizh = "https://news.example/search?q=%22Breizh+Conserves%22+OR+%22BZH+Conserves%22"
	searchArmor  = "https://news.example/search?q=%22Armor+Logistique%22"
	bodaccBreizh = "https://bodacc.example/records?siren=552100554"
)

// TestSearchAndRegistrySources runs a cycle over news searches and a
// BODACC query: a search's items count only for the companies the matcher
// finds in them, and a register's items keep the labels it states.
func TestSearchAndRegistrySources(t *testing.T) {
	cfg := testConfig(t)
	cfg.Registries.BODACC = "https://bodacc.example/records?siren={siren}"
	wl := &cfg.Watchlists[0]
	wl.NewsSearch = []string{"https://news.example/search?q={query}"}
	wl.Prospects[0].Aliases = []string{"BZH Conserves"}
	wl.Prospects[0].SIREN = "552 100 554"

	day := t0.Add(-24 * time.Hour)
	items := map[string][]signals.Item{
		searchBreizh: {
			{GUID: "s1", URL: "https://press.example/1", Title: "BZH Conserves nomme un nouveau directeur général", Published: day},
			// What a search engine returns beside the company: neither
			// the name nor an alias, so no signal.
			{GUID: "s2", URL: "https://press.example/2", Title: "Les conserveries bretonnes recrutent", Published: day},
			// Another watched company in a search for this one counts for it.
			{GUID: "s3", URL: "https://press.example/3", Title: "Armor Logistique ouvre un entrepôt à Rennes", Published: day},
		},
		bodaccBreizh: {
			{GUID: "BODACC:A1", URL: "https://www.bodacc.fr/a1", Title: "BODACC · Procédures collectives : Jugement d'ouverture d'une procédure de redressement judiciaire",
				Summary:   "Procédures collectives. BREIZH CONSERVES. Jugement d'ouverture d'une procédure de redressement judiciaire. Plan de cession et nomination d'un administrateur.",
				Published: day, Stated: true, Hints: []signals.Label{signals.Difficulty},
				Evidence: map[signals.Label][]signals.Evidence{signals.Difficulty: {{Term: "Jugement d'ouverture d'une procédure de redressement judiciaire", Field: "summary", Offset: 41}}}},
			// A sale of business: legal prose the classifier would read
			// as a development, which the register states is none.
			{GUID: "BODACC:A2", URL: "https://www.bodacc.fr/a2", Title: "BODACC · Ventes et cessions : Achat d'un fonds par une personne morale",
				Summary: "Ventes et cessions. Acquisition d'un fonds de commerce et rachat de l'usine de Douarnenez.", Published: day, Stated: true},
		},
	}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	f := &fakeFetcher{fetch: feedOf(w.Now, items)}
	w.opts.Fetcher = f

	p := w.Plan()
	if got := p.SearchSources(); got != 2 {
		t.Errorf("%d news searches planned, want 2 (one per prospect)", got)
	}
	for _, ps := range p.Sources() {
		switch ps.URL {
		case searchBreizh, searchArmor:
			if !ps.Shared || !ps.Search || len(ps.Owners) != 0 {
				t.Errorf("search %s: shared %v, search %v, owners %v: want matched by mention", ps.URL, ps.Shared, ps.Search, ps.Owners)
			}
		case bodaccBreizh:
			if ps.Kind != signals.KindBODACC || len(ps.Owners) != 1 {
				t.Errorf("BODACC source %+v: want Breizh Conserves's own", ps)
			}
		}
	}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{searchBreizh, searchArmor, bodaccBreizh} {
		if f.calls[u] != 1 {
			t.Errorf("%s fetched %d times, want once (calls %v)", u, f.calls[u], slices.Sorted(maps.Keys(f.calls)))
		}
	}
	sigs, err := w.Signals(query.SignalFilter{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]signals.Label{}
	for _, s := range sigs {
		got[s.Company+"|"+s.Title] = s.Labels
		if strings.Contains(s.Title, "conserveries") || strings.Contains(s.Title, "Ventes et cessions") {
			t.Errorf("unexpected signal %q for %s", s.Title, s.Company)
		}
	}
	want := map[string][]signals.Label{
		"Breizh Conserves|BZH Conserves nomme un nouveau directeur général":                                                  {signals.HRMoves},
		"Armor Logistique|Armor Logistique ouvre un entrepôt à Rennes":                                                       {signals.NewSites},
		"Breizh Conserves|BODACC · Procédures collectives : Jugement d'ouverture d'une procédure de redressement judiciaire": {signals.Difficulty},
	}
	for k, labels := range want {
		if !slices.Equal(got[k], labels) {
			t.Errorf("%s: labels %v, want %v (all: %v)", k, got[k], labels, got)
		}
	}
	for _, s := range sigs {
		if s.Source == bodaccBreizh {
			ev := s.Evidence[signals.Difficulty]
			if len(ev) != 1 || ev[0].Term != "Jugement d'ouverture d'une procédure de redressement judiciaire" || s.Strength != signals.Strong {
				t.Errorf("BODACC signal evidence %+v, strength %v", s.Evidence, s.Strength)
			}
		}
	}
}

// TestSearchOldResultIsHistory: a search engine brings an old article on a
// later poll; it is stored as history, never scored, where a feed's new
// item of the same age would count.
func TestSearchOldResultIsHistory(t *testing.T) {
	cfg := testConfig(t)
	cfg.Watchlists[0].NewsSearch = []string{"https://news.example/search?q={query}"}
	search := "https://news.example/search?q=%22Breizh+Conserves%22"
	items := map[string][]signals.Item{}
	now := t0
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return now }
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, items)}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(30 * 24 * time.Hour)
	items[search] = []signals.Item{
		{GUID: "old", URL: "https://press.example/old", Title: "Breizh Conserves nomme un nouveau directeur général", Published: now.Add(-20 * 24 * time.Hour)},
		{GUID: "new", URL: "https://press.example/new", Title: "Breizh Conserves ouvre une usine à Brest", Published: now.Add(-24 * time.Hour)},
	}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	sigs, err := w.Signals(query.SignalFilter{}, now)
	if err != nil {
		t.Fatal(err)
	}
	backlog := map[string]bool{}
	for _, s := range sigs {
		backlog[s.URL] = s.Backlog
	}
	if b, ok := backlog["https://press.example/old"]; !ok || !b {
		t.Errorf("the 20-day-old search result: stored %v, backlog %v; want history", ok, b)
	}
	if b, ok := backlog["https://press.example/new"]; !ok || b {
		t.Errorf("the new search result: stored %v, backlog %v; want news", ok, b)
	}
}
