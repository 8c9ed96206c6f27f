package watcher

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

// BenchmarkRescan is a rescan of a store holding one cycle of n owned feeds
// of the benchmark feed's 20 items: every stored item read with its text,
// matched and classified again, no signal changed. It is what a reload
// that changes matching costs the daemon, between two cycles.
func BenchmarkRescan(b *testing.B) {
	body := benchFeed(b)
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := benchWatcher(b, n)
			base := benchItems(b, body, "http://127.0.1.1/feeds/1.xml")
			w.opts.Fetcher = &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
				items := make([]signals.Item, len(base))
				copy(items, base)
				for j := range items {
					items[j].SourceID = src.ID
					items[j].GUID += "#" + src.ID
					items[j].URL += "?" + src.ID
				}
				st.FirstFetched = t0
				return signals.FetchResult{Items: items, Status: 200}, st, nil
			}}
			w.now = func() time.Time { return t0 }
			if _, err := w.Cycle(context.Background()); err != nil {
				b.Fatal(err)
			}
			var items int
			b.ReportAllocs()
			for b.Loop() {
				r, err := w.Rescan(t0, t0.Add(-query.DefaultRescanWindow))
				if err != nil || r.Changed() {
					b.Fatalf("rescan: %+v, %v", r, err)
				}
				items = r.Items
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(items), "ns/item")
		})
	}
}
