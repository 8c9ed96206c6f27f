package watcher

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
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
		err := fx.w.Store.db.Update(func(tx *bolt.Tx) error {
			for _, lk := range fx.w.Plan().order {
				var l signals.Lead
				if _, err := getJSON(tx.Bucket(bucketLeads), []byte(lk), &l); err != nil {
					return err
				}
				l.Score = stale
				if err := putJSON(tx.Bucket(bucketLeads), []byte(lk), l); err != nil {
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
		leads, err := fx.w.Leads(LeadFilter{})
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

// With more touched leads than rescoreBatch, the writes rescore them along
// the way and the cycle's end rescores the rest: each one, once its last
// signal is stored.
func TestCycleRescoresManyTouchedLeads(t *testing.T) {
	const n = 3*rescoreBatch + 10
	st, err := Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(benchConfig(n), lex)
	if err != nil {
		t.Fatal(err)
	}
	w := New(st, plan)
	now := t0
	w.Now = func() time.Time { return now }
	round := 0
	w.Fetcher = &fakeFetcher{fetch: func(src sources.Source, st sources.State) (sources.Result, sources.State, error) {
		if st.FirstFetched.IsZero() {
			st.FirstFetched = now
		}
		lk := plan.sources[0].Owners[0]
		for _, ps := range plan.sources {
			if ps.ID == src.ID {
				lk = ps.Owners[0]
			}
		}
		news := []string{"%s inaugure une nouvelle usine à Lyon", "%s lève 12 millions d'euros auprès de ses actionnaires"}
		it := signals.Item{SourceID: src.ID, GUID: fmt.Sprintf("%s#%d", src.ID, round), Published: now,
			Title: fmt.Sprintf(news[round], plan.prospects[lk].Name)}
		return sources.Result{Items: []signals.Item{it}, Status: 200}, st, nil
	}}
	ctx := context.Background()
	if _, err := w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	before := map[string]signals.Lead{}
	leads, err := w.Leads(LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leads {
		before[l.Company] = l
	}

	now = now.Add(time.Hour)
	round++
	stats, err := w.Cycle(ctx)
	if err != nil || stats.NewSignals != n {
		t.Fatalf("second cycle: %+v, %v; want %d new signals", stats, err, n)
	}
	leads, err = w.Leads(LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != n {
		t.Fatalf("%d leads, want %d", len(leads), n)
	}
	for _, l := range leads {
		if l.Signals != before[l.Company].Signals+1 {
			t.Errorf("%s: %d signals scored, want %d: not rescored after its new signal", l.Company, l.Signals, before[l.Company].Signals+1)
		}
	}
}
