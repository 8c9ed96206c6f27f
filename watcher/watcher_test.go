package watcher

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// fakeFetcher serves fixed items per source URL; its func field lets a test
// change behaviour per call.
type fakeFetcher struct {
	mu    sync.Mutex
	calls map[string]int
	fetch func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error)
}

func (f *fakeFetcher) Fetch(_ context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[src.URL]++
	f.mu.Unlock()
	return f.fetch(src, st)
}

// feedOf returns a fetch func serving items by source URL, as the real
// fetcher would: state updated, first fetch remembered.
func feedOf(now func() time.Time, items map[string][]signals.Item) func(signals.Source, signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
	return func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if st.FirstFetched.IsZero() {
			st.FirstFetched = now()
		}
		st.LastSuccess = now()
		var out []signals.Item
		for _, it := range items[src.URL] {
			it.SourceID = src.ID
			out = append(out, it)
		}
		return signals.FetchResult{Items: out, Status: 200}, st, nil
	}
}

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	return &config.Config{
		Location: time.UTC, Timezone: "UTC",
		Fetch:   config.Fetch{Concurrency: 4},
		Digest:  config.Digest{Language: "fr"},
		Scoring: config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps:    []config.Rep{{ID: "alice", Name: "Alice", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"}},
		Watchlists: []config.Watchlist{{
			ID: "agro", Owner: "alice",
			Feeds: []string{"https://news.example/eco.rss"},
			Fit:   []config.FitRule{{Field: "sector", Equals: "agroalimentaire", Points: 20}},
			Prospects: []config.Prospect{
				{Name: "Breizh Conserves", Owner: "alice", Feeds: []string{"https://breizh.example/feed"}, Fields: map[string]string{"sector": "agroalimentaire"}},
				{Name: "Armor Logistique", Owner: "alice", Fields: map[string]string{"sector": "transport"}},
			},
		}},
	}
}

type fixture struct {
	w   *Watcher
	now time.Time
	f   *fakeFetcher
}

// testWatcher is a watcher of cfg over a store in a temp folder.
func testWatcher(t *testing.T, cfg *config.Config) *Watcher {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	return New(st, p, Options{})
}

// companyOf is the name of the prospect of a lead key.
func companyOf(p *plan.Plan, leadKey string) string {
	pr, _ := p.Prospect(leadKey)
	return pr.Name
}

func newFixture(t *testing.T, items map[string][]signals.Item) *fixture {
	t.Helper()
	fx := &fixture{now: t0}
	fx.w = testWatcher(t, testConfig(t))
	fx.w.now = func() time.Time { return fx.now }
	fx.f = &fakeFetcher{fetch: feedOf(fx.w.Now, items)}
	fx.w.opts.Fetcher = fx.f
	return fx
}

func corpus() map[string][]signals.Item {
	return map[string][]signals.Item{
		"https://breizh.example/feed": {
			{GUID: "b1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production", Published: t0.Add(-24 * time.Hour)},
			{GUID: "b2", URL: "https://breizh.example/n/2", Title: "Breizh Conserves inaugure une nouvelle usine à Lorient", Published: t0.Add(-48 * time.Hour)},
			{GUID: "old", URL: "https://breizh.example/n/0", Title: "Breizh Conserves ouvre un nouvel entrepôt à Quimper", Published: t0.Add(-30 * 24 * time.Hour)},
		},
		"https://news.example/eco.rss": {
			// The same story as b1, carried by a news feed: one signal, two sources.
			{GUID: "n1", URL: "https://breizh.example/n/1", Title: "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production"},
			{GUID: "n2", URL: "https://news.example/a/2", Title: "Armor Logistique nomme un nouveau directeur général"},
			{GUID: "n3", URL: "https://news.example/a/3", Title: "Météo : un week-end pluvieux en Bretagne"},
		},
	}
}

func TestCycleStoresOnceAndDedupsStories(t *testing.T) {
	fx := newFixture(t, corpus())
	ctx := context.Background()
	stats, err := fx.w.Cycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Polled != 2 || stats.NewItems != 6 {
		t.Fatalf("first cycle: %+v, want 2 sources polled and 6 new items", stats)
	}
	sigs, err := fx.w.Signals(query.SignalFilter{}, fx.now)
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]query.SignalView{}
	for _, s := range sigs {
		byTitle[s.Company+"|"+s.Title] = s
	}
	raise := byTitle["Breizh Conserves|Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production"]
	if len(raise.Sources) != 2 {
		t.Errorf("the story carried by two feeds has sources %+v, want both", raise.Sources)
	}
	if old, ok := byTitle["Breizh Conserves|Breizh Conserves ouvre un nouvel entrepôt à Quimper"]; !ok || !old.Backlog || old.Points != 0 {
		t.Errorf("backlog item: %+v (found %v), want stored as backlog with 0 points", old, ok)
	}
	if _, ok := byTitle["Armor Logistique|Armor Logistique nomme un nouveau directeur général"]; !ok {
		t.Errorf("shared-feed mention of Armor Logistique not matched: %v", byTitle)
	}

	fx.now = fx.now.Add(30 * time.Minute)
	stats, err = fx.w.Cycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.NewItems != 0 || stats.NewSignals != 0 {
		t.Errorf("second cycle on the same items: %+v, want nothing new", stats)
	}
	again, _ := fx.w.Signals(query.SignalFilter{}, fx.now)
	if len(again) != len(sigs) {
		t.Errorf("signals after second cycle: %d, want %d", len(again), len(sigs))
	}

	leads, err := fx.w.Leads(query.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 2 || leads[0].Company != "Breizh Conserves" || leads[0].Signals != 2 {
		t.Fatalf("leads %+v: want Breizh Conserves first with 2 scored signals", leads)
	}
	if leads[0].Score <= leads[0].Fit || leads[0].Fit != 20 {
		t.Errorf("Breizh Conserves score %.1f fit %.1f: want fit 20 plus signal points", leads[0].Score, leads[0].Fit)
	}
}

func TestFailedSourceKeepsStateAndCycleGoesOn(t *testing.T) {
	fx := newFixture(t, corpus())
	ok := fx.f.fetch
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if src.URL == "https://news.example/eco.rss" {
			st.Failures++
			st.NextTry = fx.now.Add(time.Hour)
			st.ErrorKind, st.LastError = signals.ErrBlocked, "403 Forbidden"
			return signals.FetchResult{}, st, errors.New("403 Forbidden")
		}
		return ok(src, st)
	}
	stats, err := fx.w.Cycle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Failed != 1 || stats.Blocked != 1 || stats.NewItems != 3 {
		t.Fatalf("stats %+v: want 1 failed (blocked) and the other source's 3 items", stats)
	}
	srcs, _ := fx.w.Sources(true)
	if len(srcs) != 1 || srcs[0].State.Failures != 1 {
		t.Fatalf("failing sources %+v", srcs)
	}
	fx.now = fx.now.Add(10 * time.Minute)
	stats, _ = fx.w.Cycle(context.Background())
	if stats.Deferred != 1 || fx.f.calls["https://news.example/eco.rss"] != 1 {
		t.Errorf("source in backoff was fetched again: %+v, calls %v", stats, fx.f.calls)
	}
}

// fakeRenderer renders a digest to a message naming its signals.
type fakeRenderer struct{}

func (fakeRenderer) Digest(d signals.Digest) (signals.Message, error) {
	return signals.Message{Kind: "digest", Rep: d.Rep.ID, To: []string{d.Rep.Email}, MessageID: "<d@test>"}, nil
}

// Alerts names the signals it carries in the subject, one title a line.
func (fakeRenderer) Alerts(a signals.Alerts) (signals.Message, error) {
	var titles []string
	for _, dl := range a.Leads {
		for _, s := range dl.New {
			titles = append(titles, s.Title)
		}
	}
	return signals.Message{Kind: "alert", Rep: a.Rep.ID, To: []string{a.Rep.Email}, Subject: strings.Join(titles, "\n")}, nil
}
func (fakeRenderer) SourceReport(r signals.SourceReport, _ string) (signals.Message, error) {
	return signals.Message{Kind: "health", To: r.Admins}, nil
}

type fakeSender struct{ send func(signals.Message) error }

// deliverer drains w's outbox through s and p (either may be nil), on w's
// clock and with its config's webhooks.
func deliverer(w *Watcher, s deliver.Sender, p deliver.Poster) *deliver.Deliverer {
	return deliver.New(w, deliver.Options{Sender: s, Webhooks: p, Send: true, Now: w.Now, Config: func() *config.Config { return w.Plan().Config() }})
}

func (f fakeSender) Send(_ context.Context, m signals.Message) error { return f.send(m) }

// tempErr is a send failure: temporary or not, of the server (down) or
// of the message.
type tempErr struct{ temp, down bool }

func (e tempErr) Error() string     { return "smtp says no" }
func (e tempErr) Temporary() bool   { return e.temp }
func (e tempErr) Unreachable() bool { return e.down }

func TestDigestNeverRepeatsNews(t *testing.T) {
	fx := newFixture(t, corpus())
	fx.w.opts.Renderer, fx.w.opts.Alerts = fakeRenderer{}, true
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	ds, err := fx.w.BuildDigests(fx.now, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || len(ds[0].Leads) == 0 || ds[0].Leads[0].Lead.Company != "Breizh Conserves" {
		t.Fatalf("digests %+v: want alice's with Breizh Conserves first", ds)
	}
	for _, dl := range ds[0].Leads {
		for _, s := range dl.New {
			if s.Backlog {
				t.Errorf("backlog signal %q in the digest", s.Title)
			}
		}
	}
	if n, err := fx.w.QueueDigests(fx.now, ""); err != nil || n != 1 {
		t.Fatalf("queue: %d, %v", n, err)
	}
	ds, _ = fx.w.BuildDigests(fx.now.Add(time.Hour), "")
	if len(ds) != 0 {
		t.Errorf("second digest with nothing new: %+v, want none", ds)
	}
}

func TestOutboxRetriesTemporaryAndKeepsPermanent(t *testing.T) {
	fx := newFixture(t, corpus())
	fx.w.opts.Renderer, fx.w.opts.Alerts = fakeRenderer{}, true
	fx.w.Cycle(context.Background())
	if n, _ := fx.w.QueueDigests(fx.now, ""); n != 1 {
		t.Fatal("no digest queued")
	}
	var sent []signals.Message
	reply := error(tempErr{temp: true})
	d := deliverer(fx.w, fakeSender{func(m signals.Message) error {
		if reply != nil {
			return reply
		}
		sent = append(sent, m)
		return nil
	}}, nil)
	ctx := context.Background()
	if s, f, err := d.Drain(ctx); s != 0 || f != 1 || err != nil {
		t.Fatalf("451: sent %d failed %d err %v", s, f, err)
	}
	entries, _ := fx.w.Outbox()
	if len(entries) != 1 || entries[0].Status != store.StatusPending || entries[0].Attempts != 1 || !entries[0].NextTry.After(fx.now) {
		t.Fatalf("after a temporary failure: %+v", entries)
	}
	if s, f, _ := d.Drain(ctx); s+f != 0 {
		t.Errorf("message retried before its next try")
	}
	fx.now = fx.now.Add(2 * time.Minute)
	reply = nil
	if s, _, _ := d.Drain(ctx); s != 1 || len(sent) != 1 {
		t.Fatalf("retry did not deliver: sent %d", s)
	}
	if entries, _ := fx.w.Outbox(); len(entries) != 0 {
		t.Errorf("delivered message still in the outbox: %+v", entries)
	}

	fx.w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(signals.Message{Rep: "alice"}, fx.now); return err })
	reply = tempErr{temp: false}
	d.Drain(ctx)
	entries, _ = fx.w.Outbox()
	if len(entries) != 1 || entries[0].Status != store.StatusFailed {
		t.Fatalf("after a permanent failure: %+v, want kept as failed", entries)
	}
	fx.now = fx.now.Add(24 * time.Hour)
	if s, f, _ := d.Drain(ctx); s+f != 0 {
		t.Errorf("a failed message was retried on its own")
	}
	if n, err := fx.w.RetryOutbox(entries[0].ID); n != 1 || err != nil {
		t.Fatalf("retry: %d %v", n, err)
	}
	reply = nil
	if s, _, _ := d.Drain(ctx); s != 1 {
		t.Errorf("retried message not delivered")
	}
}

func TestBackupHoldsTheSameData(t *testing.T) {
	fx := newFixture(t, corpus())
	fx.w.Cycle(context.Background())
	want, _ := fx.w.Leads(query.LeadFilter{})
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := fx.w.Store.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(copyPath, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w2 := New(st, fx.w.Plan(), Options{})
	got, err := w2.Leads(query.LeadFilter{})
	if err != nil || len(got) != len(want) || got[0].Score != want[0].Score {
		t.Fatalf("backup leads %+v (%v), want %+v", got, err, want)
	}
}

func TestSameStoryFromAnotherOutletScoresOnce(t *testing.T) {
	items := corpus()
	items["https://news.example/eco.rss"] = append(items["https://news.example/eco.rss"], signals.Item{
		GUID: "n4", URL: "https://other-outlet.example/breizh-12m",
		Title: "BREIZH CONSERVES LÈVE 12 MILLIONS D'EUROS POUR DOUBLER SA CAPACITÉ DE PRODUCTION",
	})
	fx := newFixture(t, items)
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	sigs, _ := fx.w.Signals(query.SignalFilter{Company: "breizh"}, fx.now)
	n := 0
	for _, s := range sigs {
		if strings.EqualFold(s.Title, "Breizh Conserves lève 12 millions d'euros pour doubler sa capacité de production") {
			n++
			if len(s.Sources) != 3 {
				t.Errorf("story sources %+v, want the three outlets", s.Sources)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d signals for one story told by three outlets, want 1", n)
	}
}

func TestPruneRemovesOnlyOldData(t *testing.T) {
	fx := newFixture(t, corpus())
	fx.w.opts.Renderer, fx.w.opts.Alerts = fakeRenderer{}, true
	fx.w.Cycle(context.Background())
	fx.w.QueueDigests(fx.now, "")
	before, _ := fx.w.Signals(query.SignalFilter{}, fx.now)

	// Nothing is older than the retention yet.
	if p, err := fx.w.Store.Prune(400*24*time.Hour, fx.now, time.UTC); err != nil || p != (store.Pruned{}) {
		t.Fatalf("prune of fresh data: %+v, %v", p, err)
	}
	// A year and a half later, everything from that first cycle is.
	later := fx.now.Add(550 * 24 * time.Hour)
	p, err := fx.w.Store.Prune(400*24*time.Hour, later, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if p.Items != 6 || p.Signals != len(before) || p.History == 0 || p.DigestLog == 0 {
		t.Errorf("pruned %+v, want 6 items, %d signals and the history and digest log", p, len(before))
	}
	if after, _ := fx.w.Signals(query.SignalFilter{}, later); len(after) != 0 {
		t.Errorf("%d signals left", len(after))
	}
}
