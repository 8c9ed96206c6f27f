package watcher

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Fetcher gets a source's new items (sources.Fetcher in production, wired by cmd/veille).
type Fetcher interface {
	Fetch(ctx context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error)
}

// Renderer turns digests and alerts into messages (notify.Renderer).
type Renderer interface {
	Digest(signals.Digest) (signals.Message, error)
	Alerts(signals.Alerts) (signals.Message, error)
	Health(r signals.HealthReport, lang string) (signals.Message, error)
}

// Sender delivers one message (notify.Sender). A failure whose error has a
// Temporary() method returning false is permanent; any other is retried.
type Sender interface {
	Send(ctx context.Context, m signals.Message) error
}

// Watcher runs cycles, digests and the outbox over one store.
type Watcher struct {
	Store    *Store
	Fetcher  Fetcher
	Renderer Renderer
	Sender   Sender // nil: messages stay queued
	Log      *slog.Logger
	Now      func() time.Time
	Metrics  *Metrics // nil: no metrics

	plan   atomic.Pointer[Plan]
	cycles atomic.Int64 // numbers cycles in logs
}

// New builds a watcher on a compiled plan.
func New(st *Store, p *Plan) *Watcher {
	w := &Watcher{Store: st, Log: slog.New(slog.DiscardHandler), Now: time.Now}
	w.plan.Store(p)
	return w
}

// Plan is the plan in force.
func (w *Watcher) Plan() *Plan { return w.plan.Load() }

// SetPlan replaces the plan between cycles (reload).
func (w *Watcher) SetPlan(p *Plan) { w.plan.Store(p) }

func isPermanent(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && !t.Temporary()
}
