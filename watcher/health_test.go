package watcher

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// clock is a fixed clock a test moves while the watcher's goroutines read it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestHealthReportsAFailingStore closes the store under a cycle, after its
// fetches, as a full disk fails the writes: health says store_failing with
// the error until a write succeeds again.
func TestHealthReportsAFailingStore(t *testing.T) {
	fx := newFixture(t, corpus())
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := fx.w.Health(); h.Status != "ok" {
		t.Fatalf("after a good cycle: %+v, want ok", h)
	}
	serve := fx.f.fetch
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		fx.w.Store.Close()
		return serve(src, st)
	}
	fx.now = fx.now.Add(time.Hour)
	if _, err := fx.w.Cycle(context.Background()); err == nil {
		t.Fatal("a cycle whose writes fail succeeded")
	}
	h := fx.w.Health()
	if h.Status != "store_failing" || !strings.Contains(h.Reason, "database not open") {
		t.Errorf("after a failed write: %+v, want store_failing with the error", h)
	}

	st, err := store.Open(fx.w.Store.Path(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fx.w.Store, fx.f.fetch = st, serve
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := fx.w.Health(); h.Status != "ok" {
		t.Errorf("after the store took writes again: %+v, want ok", h)
	}
}

// TestHealthReportsAStuckCycle holds a cycle in a fetch: health stays ok
// within the cycle's budget (30 minutes when there is no poll schedule)
// and says stuck past it, until the cycle ends.
func TestHealthReportsAStuckCycle(t *testing.T) {
	fx := newFixture(t, corpus())
	clk := &clock{t: t0}
	fx.w.now = clk.Now
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}, 2), make(chan struct{})
	serve := fx.f.fetch
	fx.f.fetch = func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		entered <- struct{}{}
		<-release
		return serve(src, st)
	}
	clk.Add(time.Hour)
	done := make(chan error)
	go func() { _, err := fx.w.Cycle(context.Background()); done <- err }()
	<-entered
	clk.Add(29 * time.Minute)
	if h := fx.w.Health(); h.Status != "ok" {
		t.Errorf("a cycle 29 minutes in: %+v, want ok", h)
	}
	clk.Add(2 * time.Minute)
	if h := fx.w.Health(); h.Status != "stuck" || !strings.Contains(h.Reason, "31m0s") {
		t.Errorf("a cycle 31 minutes in: %+v, want stuck", h)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if h := fx.w.Health(); h.Status != "ok" {
		t.Errorf("after the cycle ended: %+v, want ok", h)
	}
}
