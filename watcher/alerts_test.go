package watcher

import (
	"context"
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
