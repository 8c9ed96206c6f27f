package watcher

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// manyItems is one feed's n items about its owner, as a feed that lists
// its whole archive serves them: three in four are distinct stories, the
// fourth a rewrite of one story by another outlet, which joins that story
// as one more source.
func manyItems(n int, company string) []signals.Item {
	items := make([]signals.Item, n)
	for i := range items {
		title := fmt.Sprintf("%s ouvre une usine à Rennes, lot%d phase%d zone%d site%d", company, i, i, i, i)
		if i%4 == 3 {
			title = fmt.Sprintf("%s ouvre une usine à Rennes, selon media%d", company, i)
		}
		items[i] = signals.Item{
			GUID:  fmt.Sprintf("item-%d", i),
			URL:   fmt.Sprintf("https://news%d.example.com/a/%d", i%97, i),
			Title: title,
		}
	}
	return items
}

// BenchmarkApplyManyItems stores one fetch result of n items for one lead
// in a fresh store, as a first fetch of a feed that lists thousands of
// items would when fetch.max_items is lifted: the cost per item must stay
// flat as n grows.
func BenchmarkApplyManyItems(b *testing.B) {
	for _, n := range []int{2500, 10000, 40000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var stories int
			for range b.N {
				b.StopTimer()
				w := benchWatcher(b, 1)
				p := w.Plan()
				ps := p.Sources()[0]
				items := manyItems(n, companyOf(p, ps.Owners[0]))
				f := fetched{src: ps, res: signals.FetchResult{Items: items, Status: 200}, state: signals.SourceState{FirstFetched: t0, LastSuccess: t0}}
				b.StartTimer()
				_, refs, err := w.applyBatch(context.Background(), p, []fetched{f}, t0, map[string]bool{})
				if err != nil {
					b.Fatal(err)
				}
				stories = len(refs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
			b.ReportMetric(float64(stories), "stories")
		})
	}
}

// TestOutletsAreBounded feeds one story told by more outlets than a signal
// lists, over two cycles: the signal keeps the first signals.MaxOutlets and counts
// the others, and the story scores once.
func TestOutletsAreBounded(t *testing.T) {
	const feed = "https://breizh.example/feed"
	rewrites := func(from, to int) []signals.Item {
		var out []signals.Item
		for i := from; i < to; i++ {
			out = append(out, signals.Item{
				GUID: fmt.Sprintf("r%d", i), URL: fmt.Sprintf("https://outlet%d.example/usine", i),
				Title: fmt.Sprintf("Breizh Conserves ouvre une usine à Rennes, selon media%d", i),
			})
		}
		return out
	}
	items := map[string][]signals.Item{feed: rewrites(0, signals.MaxOutlets+10)}
	fx := newFixture(t, items)
	check := func(more int) {
		t.Helper()
		sigs, err := fx.w.Signals(query.SignalFilter{Company: "breizh"}, fx.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 1 {
			t.Fatalf("%d signals, want the one story", len(sigs))
		}
		s := sigs[0]
		if len(s.Sources) != signals.MaxOutlets || s.MoreOutlets != more {
			t.Errorf("%d outlets listed and %d more, want %d and %d", len(s.Sources), s.MoreOutlets, signals.MaxOutlets, more)
		}
		if s.Sources[0].URL != "https://outlet0.example/usine" || s.Sources[signals.MaxOutlets-1].URL != fmt.Sprintf("https://outlet%d.example/usine", signals.MaxOutlets-1) {
			t.Errorf("outlets listed %v ... %v, want the first ones", s.Sources[0], s.Sources[len(s.Sources)-1])
		}
	}
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	check(10)
	items[feed] = rewrites(0, signals.MaxOutlets+30)
	fx.now = fx.now.Add(time.Hour)
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	check(30)
}

// TestStopInterruptsApply stops the cycle (SIGTERM) while a feed of
// thousands of items is handed to the writer: the writer stops between
// two items and rolls the source's transaction back, so the source is
// fetched again, instead of storing the whole feed first.
func TestStopInterruptsApply(t *testing.T) {
	const n = 2000
	fx := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		cancel() // the stop arrives while this fetch completes
		st.FirstFetched, st.LastSuccess = t0, t0
		items := manyItems(n, "Breizh Conserves")
		for i := range items {
			items[i].SourceID = src.ID
		}
		return signals.FetchResult{Items: items, Status: 200}, st, nil
	}
	stats, err := fx.w.Cycle(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cycle: %v, want it interrupted", err)
	}
	if stats.NewItems != 0 {
		t.Errorf("%d items stored after the stop, want none", stats.NewItems)
	}
	err = fx.w.Store.View(func(tx *store.Tx) error {
		states, err := tx.SourceStates()
		if len(states) != 0 {
			t.Errorf("source states %v stored, want none: the sources are fetched again", states)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
