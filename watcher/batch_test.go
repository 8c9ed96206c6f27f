package watcher

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// gatherBatch takes what waits, up to writeBatch (firstBatch when every
// result is a source's first fetch); a short batch waits for more only
// while the channel is open, and ends with what it has.
func TestGatherBatch(t *testing.T) {
	tests := []struct {
		name    string
		waiting int
		first   bool
		closed  bool
		want    int
	}{
		{"many waiting: a full batch", writeBatch + 20, false, false, writeBatch},
		{"many first fetches waiting: a full batch of them", firstBatch + 10, true, false, firstBatch},
		{"fullBatch waiting: no wait for more", fullBatch, false, false, fullBatch},
		{"a few, more to come: what came within the wait", 3, false, false, 3},
		{"a few, fetches over", 3, false, true, 3},
		{"none left, fetches over", 0, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := make(chan fetched, tt.waiting)
			for range tt.waiting {
				results <- fetched{first: tt.first}
			}
			if tt.closed {
				close(results)
			}
			if got := len(gatherBatch(results, nil)); got != tt.want {
				t.Errorf("batch of %d, want %d", got, tt.want)
			}
			if left := len(results); left != max(0, tt.waiting-tt.want) {
				t.Errorf("%d results left waiting", left)
			}
		})
	}
}

// A batch of first fetches that a later source's result joins stops
// growing at writeBatch.
func TestGatherBatchFirstThenLater(t *testing.T) {
	results := make(chan fetched, firstBatch)
	for i := range firstBatch {
		results <- fetched{first: i != writeBatch-1}
	}
	if got := len(gatherBatch(results, nil)); got != writeBatch {
		t.Errorf("batch of %d, want %d", got, writeBatch)
	}
}

// A batch rescores a lead after the last of its results that writes to
// it, whatever the order: the stored record counts every signal the batch
// stored, as a full rescore does.
func TestApplyBatchRescoresAfterTheLeadsLastWrite(t *testing.T) {
	items := map[string][]signals.Item{
		"https://breizh.example/feed": {{GUID: "b1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production", Published: t0}},
		"https://news.example/eco.rss": {
			{GUID: "n1", URL: "https://news.example/a/1", Title: "Breizh Conserves recrute 80 personnes pour sa nouvelle usine de Quimper", Published: t0},
			{GUID: "n2", URL: "https://news.example/a/2", Title: "Armor Logistique lève 5 millions d'euros auprès de ses actionnaires", Published: t0},
		},
	}
	for _, order := range [][]string{
		{"https://breizh.example/feed", "https://news.example/eco.rss"},
		{"https://news.example/eco.rss", "https://breizh.example/feed"},
	} {
		t.Run(order[0], func(t *testing.T) {
			w := testWatcher(t, testConfig(t))
			p := w.Plan()
			serve := feedOf(func() time.Time { return t0 }, items)
			var batch []fetched
			for _, u := range order {
				i := slices.IndexFunc(p.Sources(), func(ps *plan.Source) bool { return ps.URL == u })
				ps := p.Sources()[i]
				res, st, _ := serve(ps.Source, signals.SourceState{})
				batch = append(batch, fetched{src: ps, res: res, state: st, verdicts: p.JudgeItems(ps, res.Items)})
			}
			if _, _, err := w.applyBatch(context.Background(), p, batch, t0, map[string]bool{}); err != nil {
				t.Fatal(err)
			}
			leads := func() []signals.Lead {
				t.Helper()
				var out []signals.Lead
				err := w.Store.View(func(tx *store.Tx) error {
					for _, lk := range p.LeadKeys() {
						l, _, err := tx.Lead(lk)
						if err != nil {
							return err
						}
						out = append(out, l)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			got := leads()
			if err := w.Rescore(t0); err != nil {
				t.Fatal(err)
			}
			if want := leads(); !reflect.DeepEqual(got, want) {
				t.Errorf("leads after the batch:\n%+v\nwant, as a full rescore gives:\n%+v", got, want)
			}
			if got[0].Signals+got[1].Signals != 3 {
				t.Errorf("leads count %d and %d signals, want 3 in all", got[0].Signals, got[1].Signals)
			}
		})
	}
}

func TestKeepPages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		batch []fetched
		want  bool
	}{
		{"all first fetches", []fetched{{first: true}, {first: true}}, true},
		{"one source fetched before", []fetched{{first: true}, {first: false}}, false},
		{"no first fetch", []fetched{{}}, false},
	} {
		if got := keepPages(tc.batch); got != tc.want {
			t.Errorf("%s: keepPages = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A fetch is a source's first when its state read from the store says it
// was never fetched, whatever the fetch returns (a success sets
// FirstFetched): before the first cycle, after a cycle whose fetch failed,
// and not after one whose fetch succeeded.
func TestFetchFirstFromStoredState(t *testing.T) {
	w := testWatcher(t, testConfig(t))
	p := w.Plan()
	failing := true
	serve := feedOf(func() time.Time { return t0 }, nil)
	w.opts.Fetcher = &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if failing {
			st.Failures++
			st.LastError = "timeout"
			return signals.FetchResult{}, st, errors.New("timeout")
		}
		return serve(src, st)
	}}
	ps := p.Sources()[0]
	first := func(when string, want bool) {
		t.Helper()
		states, err := w.sourceStates()
		if err != nil {
			t.Fatal(err)
		}
		was := failing
		failing = false
		f := w.fetchOne(context.Background(), p, ps, states[ps.ID])
		failing = was
		if f.err != nil || f.state.FirstFetched.IsZero() {
			t.Fatalf("%s: the fetch failed (%v) or set no FirstFetched", when, f.err)
		}
		if f.first != want {
			t.Errorf("%s: first = %v, want %v (stored state %+v)", when, f.first, want, states[ps.ID])
		}
	}
	first("before any cycle", true)
	w.Cycle(context.Background()) // every fetch fails
	first("after a failed fetch", true)
	failing = false
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	first("after a successful fetch", false)
}
