package watcher

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// syncBuffer is a log sink the daemon's goroutines may write while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A reload that changes listen keeps serving where the daemon started and
// says a restart is needed.
func TestReloadThatChangesListenAsksForARestart(t *testing.T) {
	cfg := testConfig(t)
	cfg.Poll, cfg.Digest.Schedule = "0 0 1 1 *", "0 0 1 1 *"
	fx := newFixture(t, corpus())
	var logs syncBuffer
	fx.w.log = slog.New(slog.NewTextHandler(&logs, nil))
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := NewPlan(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	fx.w.SetPlan(p1)
	cfg2 := *cfg
	cfg2.Listen = "127.0.0.1:0"
	p2, err := NewPlan(&cfg2, lex)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reload := make(chan *Plan)
	done := make(chan error, 1)
	go func() { done <- fx.w.Run(ctx, reload, nil) }()
	reload <- p2
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "config reloaded") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "listen changed: restart the daemon") || !strings.Contains(out, `new=127.0.0.1:0`) {
		t.Errorf("reload with a new listen address logged:\n%s\nwant a warning that it needs a restart", out)
	}
	if fx.w.Plan() != p2 {
		t.Error("the rest of the reloaded config was not applied")
	}
}
