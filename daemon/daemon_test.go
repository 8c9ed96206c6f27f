package watcher

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// A reload that changes listen keeps serving where the daemon started and
// says a restart is needed.
func TestReloadThatChangesListenAsksForARestart(t *testing.T) {
	cfg := testConfig(t)
	cfg.Poll, cfg.Digest.Schedule = "0 0 1 1 *", "0 0 1 1 *"
	fx := newFixture(t, corpus())
	var logs logbuf.Buffer
	fx.w.log = slog.New(slog.NewTextHandler(&logs, nil))
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	fx.w.SetPlan(p1)
	cfg2 := *cfg
	cfg2.Listen = "127.0.0.1:0"
	p2, err := plan.New(&cfg2, lex)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reload := make(chan *plan.Plan)
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

// TestUnreachableServerEndsTheDrain: one failure of the server itself
// (no reply) ends the drain after one attempt; a 4xx for one message
// does not stop the others.
func TestUnreachableServerEndsTheDrain(t *testing.T) {
	fx := newFixture(t, nil)
	for range 3 {
		fx.w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(signals.Message{Rep: "alice"}, fx.now); return err })
	}
	var calls int
	var reply tempErr
	fx.w.opts.Send, fx.w.opts.Sender = true, fakeSender{func(signals.Message) error { calls++; return reply }}
	for _, tc := range []struct {
		name      string
		reply     tempErr
		wantCalls int
	}{
		{"server down", tempErr{temp: true, down: true}, 1},
		{"4xx for each message", tempErr{temp: true}, 3},
	} {
		calls, reply = 0, tc.reply
		fx.now = fx.now.Add(time.Hour) // every message due again
		sent, failed, err := fx.w.DrainOutbox(context.Background())
		if err != nil || sent != 0 || failed != tc.wantCalls || calls != tc.wantCalls {
			t.Errorf("%s: %d send attempts, sent %d, failed %d, err %v; want %d attempts", tc.name, calls, sent, failed, err, tc.wantCalls)
		}
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
	return tempErr{temp: true, down: true}
}

// TestStuckDrainDoesNotDelayPolls runs the daemon polling every second
// while the outbox's drain hangs on the mail server: cycles go on.
func TestStuckDrainDoesNotDelayPolls(t *testing.T) {
	fx := newFixture(t, corpus())
	cfg := testConfig(t)
	cfg.Poll, cfg.Digest.Schedule = "@every 1s", "0 0 1 1 *"
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	fx.w.SetPlan(p)
	fx.w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(signals.Message{Rep: "alice"}, fx.now); return err })
	s := blockingSender{sending: make(chan struct{}, 1), release: make(chan struct{})}
	fx.w.opts.Send, fx.w.opts.Sender = true, s
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fx.w.Run(ctx, nil, nil) }()
	defer func() {
		close(s.release)
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-s.sending:
	case <-time.After(5 * time.Second):
		t.Fatal("the daemon never sent the waiting message")
	}
	stuckAt := fx.w.cycles.Load()
	deadline := time.Now().Add(10 * time.Second)
	for fx.w.cycles.Load() < stuckAt+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := fx.w.cycles.Load() - stuckAt; n < 2 {
		t.Errorf("%d cycles started in 10 s while a send hung, want one a second", n)
	}
}
