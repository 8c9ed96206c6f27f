package watcher

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// A cycle rescores the leads whose signals it wrote, and every lead on the
// first cycle of a day; an untouched lead keeps its stored score until then.
func TestCycleRescoresTouchedLeadsAndAllOnANewDay(t *testing.T) {
	items := corpus()
	fx := newFixture(t, items)
	ctx := context.Background()
	if _, err := fx.w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	// Stored scores no cycle would write: a rescore replaces them.
	const stale = -1
	setScores := func() {
		t.Helper()
		err := fx.w.Store.Update(func(tx *store.Tx) error {
			for _, lk := range fx.w.Plan().LeadKeys() {
				l, _, err := tx.Lead(lk)
				if err != nil {
					return err
				}
				l.Score = stale
				if err := tx.PutLead(l, nil, store.Day(fx.now, time.UTC)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	scores := func() map[string]float64 {
		t.Helper()
		leads, err := fx.w.Leads(query.LeadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, l := range leads {
			out[l.Company] = l.Score
		}
		return out
	}

	setScores()
	fx.now = fx.now.Add(time.Hour)
	items["https://breizh.example/feed"] = append(items["https://breizh.example/feed"],
		signals.Item{GUID: "b3", URL: "https://breizh.example/n/3", Title: "Breizh Conserves recrute 40 opérateurs pour sa nouvelle ligne", Published: fx.now})
	stats, err := fx.w.Cycle(ctx)
	if err != nil || stats.NewSignals != 1 {
		t.Fatalf("second cycle: %+v, %v; want 1 new signal", stats, err)
	}
	got := scores()
	if got["Breizh Conserves"] == stale {
		t.Errorf("the lead a cycle brought a signal to was not rescored")
	}
	if got["Armor Logistique"] != stale {
		t.Errorf("an untouched lead was rescored (%.1f) on a cycle that is not the day's first", got["Armor Logistique"])
	}

	fx.now = fx.now.Add(24 * time.Hour)
	if _, err := fx.w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	for company, score := range scores() {
		if score == stale {
			t.Errorf("%s not rescored on the day's first cycle", company)
		}
	}
}

// With more leads than a write transaction or a rescore transaction
// holds, each write rescores the leads it brought signals to, each one
// once its last signal is stored. On the day's first cycle, every lead is
// rescored, whether it had news or not.
func TestCycleRescoresManyTouchedLeads(t *testing.T) {
	const n = 3*rescoreBatch + 10
	w := testWatcher(t, benchConfig(n))
	pl := w.Plan()
	now := t0
	w.now = func() time.Time { return now }
	owner := map[string]string{}
	for _, ps := range pl.Sources() {
		owner[ps.ID] = ps.Owners[0]
	}
	news := []string{"%s inaugure une nouvelle usine à Lyon", "%s lève 12 millions d'euros auprès de ses actionnaires", "%s nomme un nouveau directeur général"}
	round := 0
	quiet := func(lk string) bool { return false } // leads with no news this round
	w.opts.Fetcher = &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if st.FirstFetched.IsZero() {
			st.FirstFetched = now
		}
		lk := owner[src.ID]
		if quiet(lk) {
			return signals.FetchResult{NotModified: true, Status: 304}, st, nil
		}
		it := signals.Item{SourceID: src.ID, GUID: fmt.Sprintf("%s#%d", src.ID, round), Published: now,
			Title: fmt.Sprintf(news[round], companyOf(pl, lk))}
		return signals.FetchResult{Items: []signals.Item{it}, Status: 200}, st, nil
	}}
	ctx := context.Background()
	signalCounts := func(want int) {
		t.Helper()
		leads, err := w.Leads(query.LeadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(leads) != n {
			t.Fatalf("%d leads, want %d", len(leads), n)
		}
		for _, l := range leads {
			if l.Signals != want {
				t.Fatalf("%s: %d signals scored, want %d", l.Company, l.Signals, want)
			}
		}
	}

	for ; round < 2; round++ { // the day's first cycle, then a later one
		stats, err := w.Cycle(ctx)
		if err != nil || stats.NewSignals != n {
			t.Fatalf("cycle %d: %+v, %v; want %d new signals", round, stats, err, n)
		}
		signalCounts(round + 1)
		now = now.Add(time.Hour)
	}

	// The next day's first cycle, with news for half the leads: every lead
	// is rescored, whether its news was or not.
	now = now.Add(24 * time.Hour)
	quiet = func(lk string) bool { return companyOf(pl, lk) < "Prospect 2" }
	err := w.Store.Update(func(tx *store.Tx) error {
		for _, lk := range pl.LeadKeys() {
			pr, _ := pl.Prospect(lk)
			if err := tx.PutLead(signals.Lead{Watchlist: pr.Watchlist, Company: pr.Name}, nil, store.Day(now, time.UTC)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	leads, err := w.Leads(query.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leads {
		want := 3
		if l.Company < "Prospect 2" {
			want = 2
		}
		if l.Company == "" || l.Signals != want {
			t.Errorf("lead %+v after the day's first cycle: want %d scored signals", l, want)
		}
	}
}
