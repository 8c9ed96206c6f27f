package watcher

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// TestAlertSurvivesACrashAfterItsSignal stops a cycle dead (its store
// closed, as a kill -9 would) after the transaction that stored the first
// source's signal: that signal's alert is in the outbox, and the next
// cycle, on the reopened store, alerts the other source's signal and
// neither twice.
func TestAlertSurvivesACrashAfterItsSignal(t *testing.T) {
	items := map[string][]signals.Item{
		"https://breizh.example/feed":  {{GUID: "b1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production", Published: t0}},
		"https://news.example/eco.rss": {{GUID: "n1", URL: "https://news.example/a/1", Title: "Armor Logistique lève 5 millions d'euros auprès de ses actionnaires", Published: t0}},
	}
	cfg := testConfig(t)
	cfg.Fetch.Concurrency = 1
	cfg.Watchlists[0].AlertOn = []string{string(signals.FinancialGrowth)}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	w.opts.Renderer, w.opts.Alerts = fakeRenderer{}, true
	serve := feedOf(w.Now, items)
	calls := 0
	w.opts.Fetcher = &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if calls++; calls == 2 {
			// The process dies once the first source's results are stored.
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if e, _ := w.Outbox(); len(e) > 0 {
					break
				}
			}
			w.Store.Close()
		}
		return serve(src, st)
	}}
	if _, err := w.Cycle(context.Background()); err == nil {
		t.Fatal("a cycle whose store closed under it succeeded")
	}

	st, err := store.Open(w.Store.Path(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w2 := New(st, w.Plan(), Options{Fetcher: &fakeFetcher{fetch: serve}, Renderer: fakeRenderer{}, Alerts: true, Now: w.now})
	alerted := func() map[string]int {
		t.Helper()
		entries, err := w2.Outbox()
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range entries {
			for _, title := range strings.Split(e.Message.Subject, "\n") {
				n[title]++
			}
		}
		return n
	}
	if n := alerted(); len(n) != 1 {
		t.Fatalf("after the crash the outbox alerts %v, want the stored signal's alert", n)
	}
	if _, err := w2.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := alerted()
	for _, its := range items {
		if title := its[0].Title; n[title] != 1 {
			t.Errorf("%q alerted %d times, want once (alerts: %v)", title, n[title], n)
		}
	}
}

// scoreRenderer names, in an alert's subject, each lead it carries with
// the score the alert shows.
type scoreRenderer struct{ fakeRenderer }

func (scoreRenderer) Alerts(a signals.Alerts) (signals.Message, error) {
	var lines []string
	for _, dl := range a.Leads {
		lines = append(lines, fmt.Sprintf("%s %.1f", dl.Lead.Company, dl.Lead.Score))
	}
	return signals.Message{Kind: "alert", Rep: a.Rep.ID, To: []string{a.Rep.Email}, Subject: strings.Join(lines, "\n")}, nil
}

// TestAlertShowsTheScoreTheNewsGave: the cycle's transaction rescores the
// lead before it queues the alert, which carries the stored score.
func TestAlertShowsTheScoreTheNewsGave(t *testing.T) {
	items := map[string][]signals.Item{
		"https://breizh.example/feed": {{GUID: "b1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production", Published: t0}},
	}
	cfg := testConfig(t)
	cfg.Watchlists[0].AlertOn = []string{string(signals.FinancialGrowth)}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	w.opts.Renderer, w.opts.Alerts = scoreRenderer{}, true
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, items)}
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	var lead signals.Lead
	err := w.Store.View(func(tx *store.Tx) (err error) {
		lead, _, err = tx.Lead(signals.LeadKey(cfg.Watchlists[0].ID, "Breizh Conserves"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := w.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, e := range entries {
		if e.Message.Kind == "alert" {
			subjects = append(subjects, e.Message.Subject)
		}
	}
	if want := fmt.Sprintf("Breizh Conserves %.1f", lead.Score); lead.Score == 0 || !slices.Equal(subjects, []string{want}) {
		t.Errorf("alerts %q, want one showing the stored score: %q", subjects, want)
	}
}
