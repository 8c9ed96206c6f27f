package watcher

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
)

// A source that fetches fine and yields nothing is a warning in the cycle
// log, with its id and since when; the others are not.
func TestCycleWarnsOfSilentSources(t *testing.T) {
	fx := newFixture(t, corpus())
	var logs logbuf.Buffer
	fx.w.log = slog.New(slog.NewTextHandler(&logs, nil))
	since := t0.Add(-30 * 3600e9)
	quiet := feedOf(fx.w.Now, corpus())
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		res, st, err := quiet(src, st)
		if src.URL == "https://breizh.example/feed" {
			res.Items = nil
			st.Silence, st.SilentSince, st.LastYield = signals.SilenceEmpty, since, since.Add(-3600e9)
		}
		return res, st, err
	}
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "source yields nothing") {
			warned = append(warned, l)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "level=WARN") || !strings.Contains(warned[0], "url=https://breizh.example/feed") ||
		!strings.Contains(warned[0], "silence=empty") || !strings.Contains(warned[0], "since=2026-11-22T02:00:00") || !strings.Contains(warned[0], "source=feed:") {
		t.Errorf("warnings %q, want one for the breizh feed with its id and since when", warned)
	}
}

// A news search that stops finding the prospect is not a silent source.
func TestCycleSearchesAreNeverSilent(t *testing.T) {
	cfg := testConfig(t)
	cfg.Watchlists[0].NewsSearch = []string{"https://search.example/rss?q={query}"}
	fx := newFixture(t, corpus())
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	fx.w.SetPlan(p)
	var logs logbuf.Buffer
	fx.w.log = slog.New(slog.NewTextHandler(&logs, nil))
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		st.LastSuccess = t0
		st.Silence, st.SilentSince, st.LastYield = signals.SilenceEmpty, t0.Add(-48*3600e9), t0.Add(-50*3600e9)
		return signals.FetchResult{Status: 200}, st, nil
	}
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	srcs, err := fx.w.Sources(false)
	if err != nil {
		t.Fatal(err)
	}
	searches := 0
	for _, s := range srcs {
		if strings.HasPrefix(s.URL, "https://search.example/") {
			searches++
			if s.State.Silence != "" || strings.Contains(logs.String(), "search.example") {
				t.Errorf("search %s reported silent: %+v", s.URL, s.State)
			}
		} else if s.State.Silence == "" {
			t.Errorf("source %s lost its silence", s.URL)
		}
	}
	if searches == 0 {
		t.Fatal("the plan has no news search")
	}
}
