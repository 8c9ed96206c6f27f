package watcher

import (
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
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
