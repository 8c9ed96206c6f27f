package watcher

import (
	"context"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// A first fetch stores an item its document repeats once, and a source
// whose state says it was never fetched but whose items are stored (a
// fetcher that does not record the first fetch) finds them stored.
func TestFirstFetchRepeatsAndStoredItems(t *testing.T) {
	items := corpus()
	feed := items["https://breizh.example/feed"]
	items["https://breizh.example/feed"] = append(feed, feed[0])
	fx := newFixture(t, items)
	serve := feedOf(fx.w.Now, items)
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		res, st, err := serve(src, st)
		st.FirstFetched = time.Time{}
		return res, st, err
	}
	ctx := context.Background()
	for cycle, want := range []int{6, 0} {
		stats, err := fx.w.Cycle(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stats.NewItems != want {
			t.Errorf("cycle %d: %d new items, want %d", cycle+1, stats.NewItems, want)
		}
	}
}
