package daemon

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// testConfig is one watch list of one rep, its two prospects in one news
// feed, on schedules that never come (a test starts what it needs).
func testConfig() *config.Config {
	return &config.Config{
		Location: time.UTC, Timezone: "UTC",
		Poll: "0 0 1 1 *", Digest: config.Digest{Schedule: "0 0 1 1 *", Language: "fr"},
		Fetch: config.Fetch{Concurrency: 2}, Retention: config.Duration(config.DefaultRetention),
		Scoring: config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps:    []config.Rep{{ID: "alice", Name: "Alice", Email: "alice@example.com", Language: "fr"}},
		Watchlists: []config.Watchlist{{
			ID: "agro", Owner: "alice", Feeds: []string{"https://news.example/eco.rss"},
			Prospects: []config.Prospect{{Name: "Breizh Conserves", Owner: "alice"}, {Name: "Armor Logistique", Owner: "alice"}},
		}},
	}
}

func testPlan(t *testing.T, cfg *config.Config) *plan.Plan {
	t.Helper()
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// feed serves items to every source and counts the fetches.
type feed struct {
	items   []signals.Item
	fetches atomic.Int64
}

func (f *feed) Fetch(_ context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
	f.fetches.Add(1)
	out := make([]signals.Item, len(f.items))
	for i, it := range f.items {
		it.SourceID = src.ID
		out[i] = it
	}
	return signals.FetchResult{Items: out, Status: 200}, st, nil
}

// rig is a daemon over a watcher of cfg on a temp store; its logs and the
// watcher's go to logs.
type rig struct {
	d    *Daemon
	w    *watcher.Watcher
	feed *feed
	logs *logbuf.Buffer
}

func newRig(t *testing.T, cfg *config.Config, items []signals.Item, s deliver.Sender) *rig {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{feed: &feed{items: items}, logs: &logbuf.Buffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, nil))
	r.w = watcher.New(st, testPlan(t, cfg), watcher.Options{Fetcher: r.feed, Log: log})
	out := deliver.New(r.w, deliver.Options{Sender: s, Send: s != nil, Log: log})
	r.d = New(r.w, out, Options{Log: log})
	return r
}

// run starts the daemon; the returned func stops it and waits for it.
func (r *rig) run(t *testing.T, reload <-chan *plan.Plan) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.d.Run(ctx, reload, nil) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// waitLog waits up to 10 s for the logs to hold want.
func (r *rig) waitLog(want string) {
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.logs.String(), want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// A reload that changes listen keeps serving where the daemon started and
// says a restart is needed.
func TestReloadThatChangesListenAsksForARestart(t *testing.T) {
	r := newRig(t, testConfig(), nil, nil)
	cfg2 := testConfig()
	cfg2.Listen = "127.0.0.1:0"
	p2 := testPlan(t, cfg2)
	reload := make(chan *plan.Plan)
	stop := r.run(t, reload)
	reload <- p2
	r.waitLog("config reloaded")
	stop()
	out := r.logs.String()
	if !strings.Contains(out, "listen changed: restart the daemon") || !strings.Contains(out, `new=127.0.0.1:0`) {
		t.Errorf("reload with a new listen address logged:\n%s\nwant a warning that it needs a restart", out)
	}
	if r.w.Plan() != p2 {
		t.Error("the rest of the reloaded config was not applied")
	}
}

// blockingSender hangs in Send until released, as a mail server that
// accepts the connection and never answers.
type blockingSender struct{ sending, release chan struct{} }

func (b blockingSender) Send(ctx context.Context, _ signals.Message) error {
	select {
	case b.sending <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return context.DeadlineExceeded
}

// TestStuckDrainDoesNotDelayPolls runs the daemon polling every second
// while the outbox's drain hangs on the mail server: cycles go on.
func TestStuckDrainDoesNotDelayPolls(t *testing.T) {
	cfg := testConfig()
	cfg.Poll = "@every 1s"
	s := blockingSender{sending: make(chan struct{}, 1), release: make(chan struct{})}
	r := newRig(t, cfg, nil, s)
	r.w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(signals.Message{Rep: "alice"}, t0); return err })
	stop := r.run(t, nil)
	defer func() { close(s.release); stop() }()
	select {
	case <-s.sending:
	case <-time.After(5 * time.Second):
		t.Fatal("the daemon never sent the waiting message")
	}
	stuckAt := r.feed.fetches.Load() // one source: one fetch a cycle
	deadline := time.Now().Add(10 * time.Second)
	for r.feed.fetches.Load() < stuckAt+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := r.feed.fetches.Load() - stuckAt; n < 2 {
		t.Errorf("%d cycles ran in 10 s while a send hung, want one a second", n)
	}
}

// A config edited while the daemon was stopped: it rescans at start,
// before its first poll.
func TestDaemonRescansAtStartAfterAnEdit(t *testing.T) {
	items := []signals.Item{
		{GUID: "a1", URL: "https://news.example/a/1", Title: "Armor Logistique ouvre un nouvel entrepôt à Rennes",
			Summary: "Le transporteur inaugure une plateforme logistique de 20 000 m² et recrute 40 caristes."},
		{GUID: "a2", URL: "https://news.example/a/2", Title: "Armor Logistique recrute un nouvel entraîneur",
			Summary: "Le club de handball corporatif Armor Logistique, qui évolue en régionale, a choisi son entraîneur pour la saison."},
	}
	r := newRig(t, testConfig(), items, nil)
	if _, _, err := r.w.RescanIfChanged(r.w.Plan(), r.w.Now()); err != nil { // the mark of the config in force
		t.Fatal(err)
	}
	if _, err := r.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	edited := testConfig()
	edited.Watchlists[0].Prospects[1].Exclude = []string{"handball"}
	r.w.SetPlan(testPlan(t, edited))
	r.feed.items = nil
	stop := r.run(t, nil)
	r.waitLog("cycle done")
	stop()
	if !strings.Contains(r.logs.String(), "start: matching or classifying changed: stored items rescanned") {
		t.Errorf("no rescan at start:\n%s", r.logs.String())
	}
	sigs, _ := r.w.Signals(query.SignalFilter{Company: "armor"}, r.w.Now())
	if len(sigs) != 1 || sigs[0].URL != "https://news.example/a/1" {
		t.Errorf("Armor Logistique's signals after the start: %+v, want the warehouse's alone", sigs)
	}
}

// A failed prune turns /healthz's verdict to degraded, still serving, and
// sets the metric; the hourly retry prunes only after a failure.
func TestFailedPruneIsReported(t *testing.T) {
	r := newRig(t, testConfig(), nil, nil)
	m := metrics.New()
	r.d.o.Metrics = m
	if _, err := r.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.d.prune()
	h := r.d.Health()
	if h.Status != "ok" || h.Retention.LastRun.IsZero() || h.Retention.Err != "" {
		t.Fatalf("after a prune: %+v, want ok with its time", h)
	}
	r.d.retryPrune()
	if again := r.d.Health().Retention.LastRun; !again.Equal(h.Retention.LastRun) {
		t.Errorf("the retry pruned at %s after a prune that succeeded", again)
	}
	if got := series(t, m, "veille_retention_failing"); got != "0" {
		t.Errorf("veille_retention_failing = %s after a prune, want 0", got)
	}

	r.w.Store.Close()
	r.d.prune()
	h = r.d.Health()
	if h.Status != "degraded" || !h.Serving() || !strings.Contains(h.Reason, "the retention prune at") || h.Retention.Err == "" {
		t.Errorf("after a failed prune: %+v, want degraded, serving, with the error", h)
	}
	if !strings.Contains(r.logs.String(), "level=ERROR msg=\"retention: prune failed, retrying hourly\"") {
		t.Errorf("the failed prune was not logged:\n%s", r.logs)
	}
	if got := series(t, m, "veille_retention_failing"); got != "1" {
		t.Errorf("veille_retention_failing = %s after a failed prune, want 1", got)
	}
	r.d.retryPrune()
	if again := r.d.Health().Retention.LastRun; !again.After(h.Retention.LastRun) {
		t.Errorf("the retry did not prune after a failure (last run %s)", again)
	}
}

// series is the value m serves for the unlabelled series name.
func series(t *testing.T, m *metrics.Metrics, name string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("no %s in:\n%s", name, rec.Body)
	return ""
}

// The daemon prunes at start, so a restart finds a failing prune again.
func TestDaemonPrunesAtStart(t *testing.T) {
	r := newRig(t, testConfig(), nil, nil)
	stop := r.run(t, nil)
	r.waitLog("retention: pruned")
	stop()
	if !strings.Contains(r.logs.String(), "retention: pruned") {
		t.Errorf("no prune at start:\n%s", r.logs)
	}
}

// TestHealth: a failed write says store_failing, a cycle past its budget
// (twice the poll interval, 30 minutes at least) stuck, no cycle ended
// starting, a scheduled cycle 10 minutes overdue late.
func TestHealth(t *testing.T) {
	hourly, err := cron.ParseStandard("0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	every5, err := cron.ParseStandard("*/5 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	ended := watcher.Status{LastEnd: t0}
	for _, tc := range []struct {
		name   string
		s      watcher.Status
		poll   cron.Schedule
		now    time.Time
		status string
		reason string
		prune  Retention
	}{
		{"ok", ended, hourly, t0.Add(time.Hour), "ok", "", Retention{}},
		{"store failing", watcher.Status{LastEnd: t0, WriteErr: "disk full", WriteAt: t0}, hourly, t0, "store_failing", "disk full", Retention{}},
		{"starting", watcher.Status{}, hourly, t0, "starting", "no poll cycle has completed yet", Retention{}},
		{"a cycle within 30 minutes", watcher.Status{CycleStart: t0}, every5, t0.Add(29 * time.Minute), "starting", "", Retention{}},
		{"a cycle past 30 minutes", watcher.Status{LastEnd: t0, CycleStart: t0}, every5, t0.Add(31 * time.Minute), "stuck", "31m0s", Retention{}},
		{"no schedule: 30 minutes", watcher.Status{LastEnd: t0, CycleStart: t0}, nil, t0.Add(31 * time.Minute), "stuck", "over its budget of 30m0s", Retention{}},
		{"hourly: two hours", watcher.Status{LastEnd: t0.Add(time.Hour), CycleStart: t0}, hourly, t0.Add(119 * time.Minute), "ok", "", Retention{}},
		{"hourly: past two hours", watcher.Status{LastEnd: t0.Add(time.Hour), CycleStart: t0}, hourly, t0.Add(121 * time.Minute), "stuck", "over its budget of 2h0m0s", Retention{}},
		{"late", ended, hourly, t0.Add(71 * time.Minute), "late", "the cycle due at 2026-11-23T09:00:00Z has not completed", Retention{}},
		{"pruned", ended, hourly, t0.Add(time.Hour), "ok", "", Retention{LastRun: t0}},
		{"prune failed", ended, hourly, t0.Add(time.Hour), "degraded", "the retention prune at 2026-11-23T08:00:00Z failed: disk full", Retention{LastRun: t0, Err: "disk full"}},
		{"late beats a failed prune", ended, hourly, t0.Add(71 * time.Minute), "late", "has not completed", Retention{LastRun: t0, Err: "disk full"}},
	} {
		h := health(tc.s, tc.poll, 2, tc.prune, tc.now, time.UTC)
		if h.Status != tc.status || !strings.Contains(h.Reason, tc.reason) || h.SkippedRuns != 2 || !h.LastCycle.Equal(tc.s.LastEnd) {
			t.Errorf("%s: %+v, want %s with %q", tc.name, h, tc.status, tc.reason)
		}
	}
}
