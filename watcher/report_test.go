package watcher

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// reportRenderer is a hand-written fake: one func field per method.
type reportRenderer struct {
	health func(signals.SourceReport, string) (signals.Message, error)
}

func (reportRenderer) Digest(signals.Digest) (signals.Message, error) { return signals.Message{}, nil }
func (reportRenderer) Alerts(signals.Alerts) (signals.Message, error) { return signals.Message{}, nil }
func (f reportRenderer) SourceReport(r signals.SourceReport, lang string) (signals.Message, error) {
	return f.health(r, lang)
}

type senderFunc func(context.Context, signals.Message) error

func (f senderFunc) Send(ctx context.Context, m signals.Message) error { return f(ctx, m) }

type permanent struct{ error }

func (permanent) Temporary() bool { return false }

// healthWatcher builds a watcher over seven sources in the states the
// report must tell apart; its plan holds all but "removed", which the
// config dropped.
func healthWatcher(t *testing.T, now time.Time) (*Watcher, map[string]signals.Source) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srcs := map[string]signals.Source{
		"broken":  signals.NewSource(signals.KindFeed, "https://news.example/eco.rss", signals.PageSpec{}),
		"flaky":   signals.NewSource(signals.KindFeed, "https://flaky.example/feed", signals.PageSpec{}),
		"fine":    signals.NewSource(signals.KindFeed, "https://fine.example/feed", signals.PageSpec{}),
		"never":   signals.NewSource(signals.KindSite, "https://armor.example/", signals.PageSpec{}),
		"removed": signals.NewSource(signals.KindFeed, "https://gone.example/feed", signals.PageSpec{}),
		"silent":  signals.NewSource(signals.KindPage, "https://penfret.example/actualites", signals.PageSpec{Item: "article.news"}),
		"quiet":   signals.NewSource(signals.KindFeed, "https://quiet.example/feed", signals.PageSpec{}),
	}
	states := map[string]signals.SourceState{
		"broken":  {LastSuccess: now.Add(-50 * time.Hour), Failures: 9, LastError: "403 Forbidden", ErrorKind: "blocked"},
		"flaky":   {LastSuccess: now.Add(-2 * time.Hour), Failures: 2, LastError: "timeout"},
		"fine":    {LastSuccess: now.Add(-time.Hour)},
		"never":   {Failures: 1, LastError: "no feed found"},
		"removed": {LastSuccess: now.Add(-100 * time.Hour), Failures: 30},
		"silent": {LastSuccess: now.Add(-time.Hour), LastYield: now.Add(-40 * time.Hour), Silence: signals.SilenceSelector,
			SilentSince: now.Add(-30 * time.Hour), SilentWhat: `item "article.news"`},
		"quiet": {LastSuccess: now.Add(-time.Hour), LastYield: now.Add(-3 * time.Hour), Silence: signals.SilenceEmpty, SilentSince: now.Add(-2 * time.Hour)},
	}
	err = st.Update(func(tx *store.Tx) error {
		for name, src := range srcs {
			if err := tx.PutSourceState(src, states[name]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := New(st, reportPlan(t, srcs, "broken", "flaky", "fine", "never", "silent", "quiet"), Options{})
	w.now = func() time.Time { return now }
	return w, srcs
}

// reportPlan is the plan of a config that holds the sources of srcs named:
// the feeds as a watch list's, the site and the page as a prospect's.
func reportPlan(t *testing.T, srcs map[string]signals.Source, names ...string) *plan.Plan {
	t.Helper()
	cfg := &config.Config{Admins: []string{"ops@example.com"}, Timezone: "Europe/Paris", Location: time.UTC, Digest: config.Digest{Language: "fr"}}
	wl := config.Watchlist{ID: "agro"}
	pr := config.Prospect{Name: "Armor Logistique"}
	for _, name := range names {
		switch src := srcs[name]; src.Kind {
		case signals.KindFeed:
			wl.Feeds = append(wl.Feeds, src.URL)
		case signals.KindSite:
			pr.Site = src.URL
		case signals.KindPage:
			pr.Pages = append(pr.Pages, config.Page{URL: src.URL, Item: src.Page.Item})
		}
	}
	if pr.Site != "" || len(pr.Pages) > 0 {
		wl.Prospects = append(wl.Prospects, pr)
	}
	cfg.Watchlists = []config.Watchlist{wl}
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.Sources()); got != len(names) {
		t.Fatalf("plan holds %d sources, want %d", got, len(names))
	}
	return p
}

func TestHealthReport(t *testing.T) {
	now := t0
	w, srcs := healthWatcher(t, now)
	// Two messages: the server refuses one for good, the other waits on a 4xx.
	for _, rep := range []string{"alice", "bob"} {
		if err := w.Store.Update(func(tx *store.Tx) error {
			_, err := tx.Enqueue(signals.Message{Kind: "digest", Rep: rep, To: []string{rep + "@example.com"}, Subject: "veille — " + rep}, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	d := deliverer(w, senderFunc(func(_ context.Context, m signals.Message) error {
		if m.Rep == "bob" {
			return permanent{errors.New("550 5.1.1 mailbox unavailable")}
		}
		return errors.New("451 4.3.0 try later")
	}), nil)
	if _, _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	r, err := w.SourceReport(now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]signals.FailingSource{}
	for _, s := range r.Sources {
		got[s.ID] = s
	}
	for _, tc := range []struct {
		source string
		listed bool
	}{
		{"broken", true}, // failing for 50 h
		{"never", true},  // never worked: a configuration mistake
		{"flaky", false}, // failing for 2 h only
		{"fine", false},
		{"removed", false}, // no longer in the config
	} {
		t.Run(tc.source, func(t *testing.T) {
			s, listed := got[srcs[tc.source].ID]
			if listed != tc.listed {
				t.Fatalf("listed %v, want %v (report %+v)", listed, tc.listed, r.Sources)
			}
			if listed && (s.URL != srcs[tc.source].URL || s.Failures == 0 || s.LastError == "") {
				t.Errorf("source %+v lacks its URL, failures or last error", s)
			}
		})
	}
	if len(r.Silent) != 1 || r.Silent[0].ID != srcs["silent"].ID || r.Silent[0].What != `item "article.news"` {
		t.Errorf("silent sources %+v, want the page whose selector matches nothing for 30 h (not the feed empty for 2 h)", r.Silent)
	}
	if len(r.Failed) != 1 || r.Failed[0].Rep != "bob" || r.Failed[0].LastError != "550 5.1.1 mailbox unavailable" {
		t.Errorf("failed messages %+v, want bob's with the server's reply", r.Failed)
	}
	if len(r.Admins) != 1 || r.Timezone != "Europe/Paris" {
		t.Errorf("admins %v timezone %q", r.Admins, r.Timezone)
	}
}

func TestQueueHealthOncePerDay(t *testing.T) {
	now := t0
	w, _ := healthWatcher(t, now)
	var langs []string
	w.opts.Renderer = reportRenderer{health: func(r signals.SourceReport, lang string) (signals.Message, error) {
		langs = append(langs, lang)
		return signals.Message{Kind: "health", To: r.Admins, Subject: "health"}, nil
	}}
	for _, tc := range []struct {
		name   string
		at     time.Time
		queued bool
	}{
		{"first notice of the day", now, true},
		{"same day again (restart, digest --send)", now.Add(3 * time.Hour), false},
		{"next day", now.Add(24 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			queued, err := w.QueueSourceReport(tc.at)
			if err != nil || queued != tc.queued {
				t.Fatalf("queued %v, err %v; want %v", queued, err, tc.queued)
			}
		})
	}
	entries, err := w.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Message.Kind != "health" || entries[0].Message.To[0] != "ops@example.com" {
		t.Errorf("outbox %+v, want two health notices to the admins", entries)
	}
	if len(langs) != 2 || langs[0] != "fr" {
		t.Errorf("rendered in %v, want the digest language fr", langs)
	}
}

func TestQueueHealthNothingWrong(t *testing.T) {
	w, srcs := healthWatcher(t, t0)
	w.SetPlan(reportPlan(t, srcs, "flaky", "fine")) // the config no longer holds the broken ones
	w.opts.Renderer = reportRenderer{health: func(signals.SourceReport, string) (signals.Message, error) {
		t.Fatal("rendered a notice with nothing to say")
		return signals.Message{}, nil
	}}
	// A day before, every source was still within its grace period.
	if queued, err := w.QueueSourceReport(t0.Add(-49 * time.Hour)); err != nil || queued {
		t.Fatalf("queued %v, err %v; want nothing queued", queued, err)
	}
}
