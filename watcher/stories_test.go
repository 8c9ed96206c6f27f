package watcher

import (
	"context"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

// A company's newsroom post and the regional article about it, titled
// differently and read a cycle apart, are one story: one signal listing
// both outlets, scored once. Another fundraise of the company, in the
// same feed, stays a story of its own.
func TestSameStoryByContentAcrossCycles(t *testing.T) {
	newsroom := "https://breizh.example/feed"
	regional := "https://news.example/eco.rss"
	items := map[string][]signals.Item{
		newsroom: {{GUID: "b1", URL: "https://breizh.example/n/1", Published: t0,
			Title:   "Breizh Conserves accueille Bpifrance et Unigrains à son capital",
			Summary: "La conserverie lorientaise annonce une levée de fonds de 12 millions d'euros auprès de Bpifrance et Unigrains pour doubler sa production, avec 80 recrutements d'ici 2028."}},
	}
	fx := newFixture(t, items)
	ctx := context.Background()
	if _, err := fx.w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	one, _ := fx.w.Leads(query.LeadFilter{})

	fx.now = fx.now.Add(26 * time.Hour)
	items[regional] = []signals.Item{
		{GUID: "r1", URL: "https://news.example/a/1", Published: fx.now,
			Title:   "Lorient : la conserverie Breizh Conserves lève 12 M€ pour doubler sa production",
			Summary: "Breizh Conserves boucle un tour de table de 12 M€ mené par Bpifrance. À la clé, 80 emplois sur le site de Lorient."},
		{GUID: "r2", URL: "https://news.example/a/2", Published: fx.now,
			Title:   "Breizh Conserves lève 3 M€ pour sa filiale de plats cuisinés",
			Summary: "Un second tour de table, de 3 M€, financera la filiale de plats cuisinés de la conserverie."},
	}
	if _, err := fx.w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	sigs, err := fx.w.Signals(query.SignalFilter{Company: "breizh"}, fx.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 {
		t.Fatalf("%d signals, want 2 (the 12 M€ story from two outlets, the 3 M€ one): %+v", len(sigs), sigs)
	}
	for _, s := range sigs {
		switch s.ID {
		case signals.StoryID("", signals.Item{URL: "https://breizh.example/n/1"}):
			if len(s.Sources) != 2 || s.Sources[1].URL != "https://news.example/a/1" {
				t.Errorf("the newsroom story lists %+v, want the newsroom and the regional article", s.Sources)
			}
		case signals.StoryID("", signals.Item{URL: "https://news.example/a/2"}):
			if len(s.Sources) != 1 {
				t.Errorf("the 3 M€ story lists %+v", s.Sources)
			}
		default:
			t.Errorf("unexpected signal %q: %+v", s.Title, s.Sources)
		}
	}
	if len(one) == 0 || one[0].Signals != 1 {
		t.Fatalf("after the first cycle: %+v", one)
	}
}
