package watcher

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

func breizh(t *testing.T, w *Watcher) signals.Lead {
	t.Helper()
	leads, err := w.Leads(query.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leads {
		if l.Company == "Breizh Conserves" {
			return l
		}
	}
	t.Fatal("no Breizh Conserves lead")
	return signals.Lead{}
}

// A "wrong company" click takes the story out of the lead's score and
// messages, and a later fetch that brings the item again (a new outlet,
// or the same feed after retention pruned the item) does not put it back;
// undo restores it.
func TestWrongCompanyStaysOutAfterRefetch(t *testing.T) {
	items := corpus()
	fx := newFixture(t, items)
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := breizh(t, fx.w)
	story := signals.StoryID("", signals.Item{URL: "https://breizh.example/n/1"})
	after, err := fx.w.RecordFeedback(signals.LinkWrongCompany, "alice", before.Key(), story, fx.now)
	if err != nil {
		t.Fatal(err)
	}
	if after.Score >= before.Score || after.Signals != before.Signals-1 {
		t.Fatalf("after wrong company: score %v, %d signals; before %v, %d", after.Score, after.Signals, before.Score, before.Signals)
	}
	for _, c := range after.Why {
		if strings.Contains(c.What, "12 millions") {
			t.Errorf("the dismissed news still explains the score: %+v", after.Why)
		}
	}

	// Another outlet carries the same article, and the store has forgotten
	// the items (retention): both come back through a fetch.
	items["https://news.example/eco.rss"] = append(items["https://news.example/eco.rss"],
		signals.Item{GUID: "n9", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production"})
	if _, err := fx.w.Store.Prune(time.Nanosecond, fx.now.Add(time.Hour), time.UTC); err != nil {
		t.Fatal(err)
	}
	fx.now = fx.now.Add(time.Hour)
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	again := breizh(t, fx.w)
	if again.Signals != after.Signals {
		t.Fatalf("after a refetch: %d signals count, want %d (the dismissed story stays out)", again.Signals, after.Signals)
	}
	ds, err := fx.w.BuildDigests(fx.now, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		for _, dl := range d.Leads {
			for _, s := range dl.New {
				if s.ID == story {
					t.Errorf("dismissed story in the digest: %q", s.Title)
				}
			}
		}
	}

	restored, err := fx.w.UndoFeedback(signals.LinkWrongCompany, before.Key(), story, fx.now)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Signals != before.Signals {
		t.Fatalf("after undo: %d signals, want %d", restored.Signals, before.Signals)
	}
	fbs, err := fx.w.AllFeedback()
	if err != nil || len(fbs) != 0 {
		t.Fatalf("feedback after undo: %+v, %v", fbs, err)
	}
}

func TestCustomerAndSnoozeMuteDigests(t *testing.T) {
	tests := []struct {
		kind  signals.LinkKind
		later time.Duration // when the lead comes back; 0: never
	}{
		{signals.LinkCustomer, 0},
		{signals.LinkSnooze, signals.SnoozeFor},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			fx := newFixture(t, corpus())
			if _, err := fx.w.Cycle(context.Background()); err != nil {
				t.Fatal(err)
			}
			lead := breizh(t, fx.w)
			if _, err := fx.w.RecordFeedback(tt.kind, "alice", lead.Key(), "", fx.now); err != nil {
				t.Fatal(err)
			}
			has := func(at time.Time) bool {
				ds, err := fx.w.BuildDigests(at, "alice")
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					for _, dl := range d.Leads {
						if dl.Lead.Company == lead.Company {
							return true
						}
					}
					for _, l := range d.StillHot {
						if l.Lead.Company == lead.Company {
							return true
						}
					}
				}
				return false
			}
			if has(fx.now) {
				t.Fatalf("lead in the digest after %s", tt.kind)
			}
			if tt.later > 0 {
				// Back after the snooze: its news is old by then, so bring fresh news.
				fx.now = fx.now.Add(tt.later + time.Hour)
				fx.w.opts.Fetcher = &fakeFetcher{fetch: feedOf(fx.w.Now, map[string][]signals.Item{"https://breizh.example/feed": {
					{GUID: "b9", URL: "https://breizh.example/n/9", Title: "Breizh Conserves inaugure une nouvelle usine à Brest", Published: fx.now},
				}})}
				if _, err := fx.w.Cycle(context.Background()); err != nil {
					t.Fatal(err)
				}
				if !has(fx.now) {
					t.Fatalf("lead not back in the digest after its snooze")
				}
			}
		})
	}
}

// fakeLinks signs nothing: each link names what it is for.
type fakeLinks struct{}

func (fakeLinks) RepLinks(rep signals.Rep, _ time.Time) []signals.Link {
	return []signals.Link{{Kind: signals.LinkWeb, URL: "https://v/" + rep.ID}}
}
func (fakeLinks) LeadLinks(rep signals.Rep, l signals.Lead, _ time.Time) []signals.Link {
	return []signals.Link{{Kind: signals.LinkCustomer, URL: "https://c/" + rep.ID + "/" + l.Company}}
}
func (fakeLinks) SignalLinks(rep signals.Rep, l signals.Lead, s signals.Signal, _ time.Time) []signals.Link {
	return []signals.Link{{Kind: signals.LinkWrongCompany, URL: "https://w/" + s.ID}}
}

func TestDigestsCarryLinks(t *testing.T) {
	fx := newFixture(t, corpus())
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds, _ := fx.w.BuildDigests(fx.now, "alice")
	if len(ds) != 1 || ds[0].Links != nil || ds[0].Leads[0].Links != nil {
		t.Fatalf("links without a LinkMaker: %+v", ds)
	}
	fx.w.opts.Links = fakeLinks{}
	ds, _ = fx.w.BuildDigests(fx.now, "alice")
	d := ds[0]
	if len(d.Links) != 1 || d.Links[0].URL != "https://v/alice" {
		t.Errorf("digest links = %+v", d.Links)
	}
	for _, dl := range d.Leads {
		if len(dl.Links) != 1 || dl.Links[0].URL != "https://c/alice/"+dl.Lead.Company {
			t.Errorf("%s links = %+v", dl.Lead.Company, dl.Links)
		}
		for _, s := range dl.New {
			if l := dl.SignalLinks[s.ID]; len(l) != 1 || l[0].URL != "https://w/"+s.ID {
				t.Errorf("%s: signal %q links = %+v", dl.Lead.Company, s.Title, l)
			}
		}
	}
}

// Once sent, a hot lead with nothing new is "still hot" in the next
// digest, with its links: the rep can still open the CRM or say it is a
// customer.
func TestStillHotLeadsCarryLinks(t *testing.T) {
	cfg := testConfig(t)
	cfg.Scoring.Hot, cfg.Scoring.Potential = 10, 5
	cfg.Digest.SendEmpty = true
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, corpus())}
	w.opts.Renderer, w.opts.Links = fakeRenderer{}, fakeLinks{}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.QueueDigests(t0, "alice"); err != nil {
		t.Fatal(err)
	}
	ds, err := w.BuildDigests(t0.Add(time.Hour), "alice")
	if err != nil || len(ds) != 1 || len(ds[0].Leads) != 0 || len(ds[0].StillHot) == 0 {
		t.Fatalf("the digest after the first: %+v, %v; want still-hot leads only", ds, err)
	}
	for _, dl := range ds[0].StillHot {
		if len(dl.Links) != 1 || dl.Links[0].URL != "https://c/alice/"+dl.Lead.Company {
			t.Errorf("still hot %s: links %+v", dl.Lead.Company, dl.Links)
		}
	}
}

// captureRenderer keeps the alerts it renders.
type captureRenderer struct {
	fakeRenderer
	alerts *[]signals.Alerts
}

func (c captureRenderer) Alerts(a signals.Alerts) (signals.Message, error) {
	*c.alerts = append(*c.alerts, a)
	return c.fakeRenderer.Alerts(a)
}

// Alerts carry the links, and a lead marked as a customer gets none.
func TestAlertsHeedFeedbackAndCarryLinks(t *testing.T) {
	items := map[string][]signals.Item{
		"https://breizh.example/feed":  {{GUID: "b1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production", Published: t0}},
		"https://news.example/eco.rss": {{GUID: "n1", URL: "https://news.example/a/1", Title: "Armor Logistique lève 5 millions d'euros auprès de ses actionnaires", Published: t0}},
	}
	cfg := testConfig(t)
	cfg.Watchlists[0].AlertOn = []string{string(signals.FinancialGrowth)}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	var got []signals.Alerts
	w.opts.Renderer, w.opts.Alerts, w.opts.Links = captureRenderer{alerts: &got}, true, fakeLinks{}
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, items)}
	if err := w.Rescore(t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RecordFeedback(signals.LinkCustomer, "alice", signals.LeadKey("agro", "Armor Logistique"), "", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Leads) != 1 {
		t.Fatalf("alerts %+v: want one, about Breizh Conserves only", got)
	}
	a := got[0]
	dl := a.Leads[0]
	if dl.Lead.Company != "Breizh Conserves" || len(a.Links) != 1 || len(dl.Links) != 1 || len(dl.SignalLinks[dl.New[0].ID]) != 1 {
		t.Errorf("alert %s: rep links %+v, lead links %+v, signal links %+v", dl.Lead.Company, a.Links, dl.Links, dl.SignalLinks)
	}
}
