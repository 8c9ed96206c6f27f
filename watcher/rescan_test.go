package watcher

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// rescanItems is a shared feed with a homonym of Armor Logistique and a
// news item naming Breizh Conserves by a name the config does not know yet.
func rescanItems() map[string][]signals.Item {
	return map[string][]signals.Item{
		"https://news.example/eco.rss": {
			{GUID: "a1", URL: "https://news.example/a/1", Title: "Armor Logistique ouvre un nouvel entrepôt à Rennes",
				Summary: "Le transporteur inaugure une plateforme logistique de 20 000 m² et recrute 40 caristes."},
			{GUID: "a2", URL: "https://news.example/a/2", Title: "Armor Logistique recrute un nouvel entraîneur",
				Summary: "Le club de handball corporatif Armor Logistique, qui évolue en régionale, a choisi son entraîneur pour la saison."},
			{GUID: "a3", URL: "https://news.example/a/3", Title: "BZH Conserves ouvre une nouvelle usine à Lorient",
				Summary: "La conserverie investit 8 millions d'euros dans un nouveau site de production."},
		},
	}
}

// editedPlan is the fixture's plan after an admin's edit of its config.
func editedPlan(t *testing.T, edit func(wl *config.Watchlist)) *plan.Plan {
	t.Helper()
	cfg := testConfig(t)
	edit(&cfg.Watchlists[0])
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func storyOf(url string) string { return signals.StoryID("", signals.Item{URL: url}) }

// An edit adding an exclude term, an alias and a keyword: the rescan drops
// the homonym's signal, brings in the item the alias names (first seen
// when the item was) and relabels the one the keyword is in; scores follow.
func TestRescanFollowsMatchingEdits(t *testing.T) {
	fx := newFixture(t, rescanItems())
	ctx := context.Background()
	if _, r, err := fx.w.RescanIfChanged(fx.w.Plan(), fx.now); err != nil || r {
		t.Fatalf("a store without a mark: rescanned %v, %v; want the mark recorded only", r, err)
	}
	if _, err := fx.w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	sigs, _ := fx.w.Signals(query.SignalFilter{}, fx.now)
	var got []string
	for _, s := range sigs {
		got = append(got, s.Company+" "+s.URL)
	}
	slices.Sort(got)
	if want := []string{"Armor Logistique https://news.example/a/1", "Armor Logistique https://news.example/a/2"}; !slices.Equal(got, want) {
		t.Fatalf("signals before the edit %v, want %v", got, want)
	}
	armorBefore, _ := fx.w.Leads(query.LeadFilter{})

	fx.now = fx.now.Add(72 * time.Hour)
	p := editedPlan(t, func(wl *config.Watchlist) {
		wl.Prospects[1].Exclude = []string{"handball"}
		wl.Prospects[0].Aliases = []string{"BZH Conserves"}
		wl.Keywords = map[string]int{"entrepôt": 10}
	})
	fx.w.SetPlan(p)
	r, done, err := fx.w.RescanIfChanged(p, fx.now)
	if err != nil || !done {
		t.Fatalf("rescan after the edit: %v, %v", done, err)
	}
	if len(r.Dropped) != 1 || r.Dropped[0].Story != storyOf("https://news.example/a/2") || r.Dropped[0].Company != "Armor Logistique" {
		t.Errorf("dropped %+v, want the handball club's item", r.Dropped)
	}
	if len(r.Added) != 1 || r.Added[0].Story != storyOf("https://news.example/a/3") || r.Added[0].Company != "Breizh Conserves" {
		t.Errorf("added %+v, want the item naming BZH Conserves", r.Added)
	}
	if len(r.Relabelled) != 1 || r.Relabelled[0].Story != storyOf("https://news.example/a/1") {
		t.Errorf("relabelled %+v, want the item with the new keyword", r.Relabelled)
	}
	if r.Items != 3 || len(r.Scores) != 2 {
		t.Errorf("%d items read, %d scores changed (%+v); want 3 and 2", r.Items, len(r.Scores), r.Scores)
	}

	sigs, _ = fx.w.Signals(query.SignalFilter{}, fx.now)
	for _, s := range sigs {
		switch s.URL {
		case "https://news.example/a/1":
			if len(s.Evidence[signals.Keyword]) != 1 || !s.FirstSeen.Equal(t0) {
				t.Errorf("relabelled signal %+v: want the keyword's evidence, first seen at %v as before", s, t0)
			}
		case "https://news.example/a/3":
			if s.Company != "Breizh Conserves" || !s.FirstSeen.Equal(t0) || s.Points == 0 {
				t.Errorf("added signal %+v: want Breizh Conserves's, first seen when the item was (%v)", s, t0)
			}
		default:
			t.Errorf("signal left after the rescan: %s %s", s.Company, s.URL)
		}
	}
	leads, _ := fx.w.Leads(query.LeadFilter{})
	for _, l := range leads {
		for _, sc := range r.Scores {
			if sc.Company == l.Company && sc.After != l.Score {
				t.Errorf("%s: report says %v after, the lead holds %v", l.Company, sc.After, l.Score)
			}
		}
		if l.Company == "Armor Logistique" && l.Signals != 1 {
			t.Errorf("Armor Logistique counts %d signals after the exclude, want 1 (before: %+v)", l.Signals, armorBefore)
		}
	}

	// Nothing changed since: no rescan.
	if _, done, err := fx.w.RescanIfChanged(p, fx.now); err != nil || done {
		t.Errorf("second rescan with the same config: %v, %v", done, err)
	}
	// The next cycle finds the items known and brings nothing back.
	if st, err := fx.w.Cycle(ctx); err != nil || st.NewSignals != 0 {
		t.Errorf("cycle after the rescan: %+v, %v", st, err)
	}
}

// An on-demand rescan with an unchanged config changes nothing, and one
// whose window starts after the items reads none of them.
func TestRescanWithoutEditChangesNothing(t *testing.T) {
	fx := newFixture(t, corpus())
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _ := fx.w.Signals(query.SignalFilter{}, fx.now)
	r, err := fx.w.Rescan(fx.now, fx.now.Add(-query.DefaultRescanWindow))
	if err != nil || r.Changed() || r.Items != 6 || len(r.Scores) != 0 {
		t.Fatalf("rescan: %+v, %v; want 6 items read and nothing changed", r, err)
	}
	after, _ := fx.w.Signals(query.SignalFilter{}, fx.now)
	if len(after) != len(before) {
		t.Errorf("%d signals after, %d before", len(after), len(before))
	}
	p := editedPlan(t, func(wl *config.Watchlist) { wl.Prospects[1].Exclude = []string{"directeur"} })
	fx.w.SetPlan(p)
	if r, err := fx.w.Rescan(fx.now, fx.now.Add(time.Hour)); err != nil || r.Items != 0 || r.Changed() {
		t.Errorf("rescan of a window with no item: %+v, %v", r, err)
	}
}

// Items stored before the store kept summaries (here, a store written by
// schema 1 and upgraded) are matched again by their title: a signal goes
// only when its title holds a new exclude term, and the others keep their
// labels, whatever the new keywords.
func TestRescanOfItemsKnownByTheirTitle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "store", "testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "veille.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := editedPlan(t, func(wl *config.Watchlist) {
		wl.Prospects[1].Exclude = []string{"directeur général"}
		wl.Prospects[0].Exclude = []string{"handball"}
		wl.Keywords = map[string]int{"usine": 10}
	})
	w := New(st, p, Options{})
	before, _ := w.Signals(query.SignalFilter{}, t0)
	r, err := w.Rescan(t0.Add(48*time.Hour), t0.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Dropped) != 1 || r.Dropped[0].Title != "Armor Logistique nomme un nouveau directeur général" || len(r.Added)+len(r.Relabelled) != 0 {
		t.Errorf("rescan %+v: want the signal whose title holds the exclude term dropped, nothing else", r)
	}
	after, _ := w.Signals(query.SignalFilter{}, t0)
	if len(after) != len(before)-1 {
		t.Fatalf("%d signals after, %d before", len(after), len(before))
	}
	for _, s := range after {
		for _, b := range before {
			if b.ID == s.ID && (!slices.Equal(b.Labels, s.Labels) || len(s.Evidence[signals.Keyword]) > 0) {
				t.Errorf("signal %q: labels %v → %v, evidence %v; want them kept", s.Title, b.Labels, s.Labels, s.Evidence)
			}
		}
	}
}

// A register's items carry the labels it states (signals.Item.Stated),
// which the store does not keep: a rescan leaves their signals as they
// are, and does not classify the legal prose of the others.
func TestRescanKeepsStatedLabels(t *testing.T) {
	cfg := testConfig(t)
	cfg.Registries.BODACC = "https://bodacc.example/records?siren={siren}"
	cfg.Watchlists[0].Prospects[0].SIREN = "552 100 554"
	items := map[string][]signals.Item{
		"https://bodacc.example/records?siren=552100554": {
			{GUID: "BODACC:A1", URL: "https://www.bodacc.fr/a1", Title: "BODACC · Procédures collectives : Jugement d'ouverture",
				Summary: "Procédures collectives. BREIZH CONSERVES. Jugement d'ouverture d'une procédure de redressement judiciaire.",
				Stated:  true, Hints: []signals.Label{signals.Difficulty}, Published: t0,
				Evidence: map[signals.Label][]signals.Evidence{signals.Difficulty: {{Term: "Jugement d'ouverture", Field: "summary", Offset: 41}}}},
			{GUID: "BODACC:A2", URL: "https://www.bodacc.fr/a2", Title: "BODACC · Ventes et cessions : Achat d'un fonds",
				Summary: "Ventes et cessions. Acquisition d'un fonds de commerce et rachat de l'usine de Douarnenez.", Stated: true, Published: t0},
		},
	}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, items)}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _ := w.Signals(query.SignalFilter{}, t0)
	r, err := w.Rescan(t0, t0.Add(-query.DefaultRescanWindow))
	if err != nil || r.Changed() {
		t.Fatalf("rescan %+v, %v: want the register's signals left as they are", r, err)
	}
	after, _ := w.Signals(query.SignalFilter{}, t0)
	if len(after) != 1 || len(before) != 1 || !reflect.DeepEqual(after[0].Evidence, before[0].Evidence) {
		t.Errorf("signals %+v after the rescan, %+v before", after, before)
	}
}
