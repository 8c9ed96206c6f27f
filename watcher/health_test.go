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

// TestStatusReportsAFailingStore closes the store under a cycle, after its
// fetches, as a full disk fails the writes: the status holds the error
// until a write succeeds again.
func TestStatusReportsAFailingStore(t *testing.T) {
	fx := newFixture(t, corpus())
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := fx.w.Status(); s.WriteErr != "" || s.LastEnd.IsZero() || s.LastErr != "" {
		t.Fatalf("after a good cycle: %+v, want a cycle ended, no error", s)
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
	s := fx.w.Status()
	if !strings.Contains(s.WriteErr, "database not open") || !s.WriteAt.Equal(fx.now) {
		t.Errorf("after a failed write: %+v, want the write's error and time", s)
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
	if s := fx.w.Status(); s.WriteErr != "" {
		t.Errorf("after the store took writes again: %+v, want no write error", s)
	}
}

// TestStatusReportsTheCycleUnderWay holds a cycle in a fetch: the status
// gives its start until it ends, and then its end.
func TestStatusReportsTheCycleUnderWay(t *testing.T) {
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
	start := clk.Now()
	clk.Add(31 * time.Minute)
	if s := fx.w.Status(); !s.CycleStart.Equal(start) || !s.LastEnd.Before(start) {
		t.Errorf("a cycle 31 minutes in: %+v, want it started at %s", s, start)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := fx.w.Status(); !s.CycleStart.IsZero() || !s.LastEnd.Equal(clk.Now()) {
		t.Errorf("after the cycle ended: %+v, want no cycle under way, the last ended at %s", s, clk.Now())
	}
}
