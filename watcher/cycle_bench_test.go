package watcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
	"github.com/veille-hq/veille/store"
)

// benchFeed is the sources package's benchmark feed: 20 French and English
// business news items, 38 KB, as the feed server serves them.
func benchFeed(b *testing.B) []byte {
	b.Helper()
	body, err := os.ReadFile(filepath.Join("..", "sources", "testdata", "bench_feed.xml"))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchConfig is one watch list of n prospects, each owning one feed, as
// bench/run.sh configures veille.
func benchConfig(n int) *config.Config {
	cfg := &config.Config{
		Location: time.UTC, Timezone: "UTC",
		Fetch:   config.Fetch{Concurrency: 64},
		Digest:  config.Digest{Language: "fr"},
		Scoring: config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps:    []config.Rep{{ID: "rep", Name: "Rep", Email: "rep@example.com", Language: "fr", Timezone: "Europe/Paris"}},
	}
	wl := config.Watchlist{ID: "bench", Owner: "rep"}
	for i := range n {
		wl.Prospects = append(wl.Prospects, config.Prospect{
			Name: fmt.Sprintf("Prospect %d", i), Owner: "rep",
			Feeds: []string{fmt.Sprintf("http://127.0.1.%d/feeds/%d.xml", i%100+1, i)},
		})
	}
	cfg.Watchlists = []config.Watchlist{wl}
	return cfg
}

func benchPlan(b *testing.B, n int) *plan.Plan {
	b.Helper()
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.New(benchConfig(n), lex)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkFeedPipeline is the CPU one feed costs veille, from bytes to
// classified items (decode, extract, match against 10k companies, classify
// per match), against bare gofeed.Parser.Parse of the same bytes: the
// issue's target is at most 2x (goal 1.5x).
func BenchmarkFeedPipeline(b *testing.B) {
	body := benchFeed(b)
	const feedURL = "http://127.0.1.1/feeds/1.xml"
	b.Run("gofeed.Parse", func(b *testing.B) {
		p := gofeed.NewParser()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Parse(bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+extract", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sources.ParseFeed(bytes.NewReader(body), "application/rss+xml", feedURL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+extract+match+classify", func(b *testing.B) {
		p := benchPlan(b, 10000)
		cls := p.Classifier("bench")
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			items, err := sources.ParseFeed(bytes.NewReader(body), "application/rss+xml", feedURL)
			if err != nil {
				b.Fatal(err)
			}
			for _, it := range items {
				ms := p.Matcher().Match(it)
				// An owned feed's items are about its owner even when no
				// company is named: classify once per item at least.
				company := "Prospect 1"
				if len(ms) > 0 {
					company = companyOf(p, ms[0].Key)
				}
				cls.Classify(signals.Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: company, Hints: it.Hints})
			}
		}
	})
}

// benchWatcher opens a store in a temp folder with a plan of n owned feeds.
func benchWatcher(b *testing.B, n int) *Watcher {
	b.Helper()
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	w := New(st, benchPlan(b, n), Options{})
	return w
}

func benchItems(b *testing.B, body []byte, url string) []signals.Item {
	b.Helper()
	items, err := sources.ParseFeed(bytes.NewReader(body), "application/rss+xml", url)
	if err != nil {
		b.Fatal(err)
	}
	return items
}

// BenchmarkStoreApply is the store write per fetched source: one write
// transaction with the source state, the new items, their signals and the
// rescore of the lead they belong to.
// "prime" stores all 20 items of a feed seen for the first time; "poll"
// a feed of which 2 items are new (the feed server's -rotate 2).
func BenchmarkStoreApply(b *testing.B) {
	body := benchFeed(b)
	for _, tc := range []struct {
		name string
		new  int
	}{{"prime", 20}, {"poll", 2}} {
		b.Run(tc.name, func(b *testing.B) {
			const n = 2000
			w := benchWatcher(b, n)
			p := w.Plan()
			base := benchItems(b, body, "http://127.0.1.1/feeds/1.xml")
			now := t0
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				ps := p.Sources()[i%n]
				items := make([]signals.Item, len(base))
				copy(items, base)
				// Make tc.new of the items unseen by this source.
				for j := range tc.new {
					items[j].GUID = fmt.Sprintf("%s#%d", items[j].GUID, i)
					items[j].URL = fmt.Sprintf("%s?%d", items[j].URL, i)
				}
				for j := range items {
					items[j].SourceID = ps.ID
				}
				f := fetched{src: ps, res: signals.FetchResult{Items: items, Status: 200}, state: signals.SourceState{FirstFetched: now, LastSuccess: now}}
				if _, _, err := w.applyBatch(context.Background(), p, []fetched{f}, now, map[string]bool{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkCycle is a whole cycle over n owned feeds without the network:
// a fake fetcher hands back decoded items, so what is left is the writer,
// the store and the rescore. Each cycle brings 2 new items per feed.
func BenchmarkCycle(b *testing.B) {
	body := benchFeed(b)
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := benchWatcher(b, n)
			base := benchItems(b, body, "http://127.0.1.1/feeds/1.xml")
			round := 0
			w.opts.Fetcher = &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
				items := make([]signals.Item, len(base))
				copy(items, base)
				for j := range 2 {
					items[j].GUID = fmt.Sprintf("%s#%d", items[j].GUID, round)
					items[j].URL = fmt.Sprintf("%s?%d", items[j].URL, round)
				}
				for j := range items {
					items[j].SourceID = src.ID
				}
				if st.FirstFetched.IsZero() {
					st.FirstFetched = t0
				}
				return signals.FetchResult{Items: items, Status: 200}, st, nil
			}}
			w.now = func() time.Time { return t0 }
			if _, err := w.Cycle(context.Background()); err != nil { // prime
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				round++
				if _, err := w.Cycle(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/source")
		})
	}
}
