// Package watcher is the daemon's work, the side that writes: the poll
// cycle, dedup across sources, rescoring, rescans, reps' feedback, digests
// and alerts queued in the outbox. The plan it works from is package
// plan's, the reads it offers package query's; the store keeps the data
// (package store); package deliver sends what it queues and package
// daemon runs it on its schedules. The fetcher and renderer are interfaces
// declared here and wired in by cmd/veille.
package watcher

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Fetcher gets a source's new items (sources.Fetcher in production, wired
// by cmd/veille).
type Fetcher interface {
	Fetch(ctx context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error)
}

// Renderer turns digests, alerts and source reports into messages
// (notify.Renderer).
type Renderer interface {
	Digest(signals.Digest) (signals.Message, error)
	Alerts(signals.Alerts) (signals.Message, error)
	SourceReport(r signals.SourceReport, lang string) (signals.Message, error)
}

// Options are what a watcher works with, and what it does with it.
type Options struct {
	Fetcher  Fetcher
	Renderer Renderer
	Webhooks Webhooks // nil: no webhook is queued
	// Alerts queues each cycle's alerts in the outbox.
	Alerts  bool
	Log     *slog.Logger     // nil: no logs
	Now     func() time.Time // nil: time.Now
	Metrics *metrics.Metrics // nil: no metrics
	// Links signs the web view and feedback links digests and alerts
	// carry (web.Links); nil when there is no public_url: no links.
	Links LinkMaker
}

// Watcher runs cycles, digests and alerts over one store.
type Watcher struct {
	Store *store.Store
	// Reader serves the reads of the plan in force (the CLI, the admin
	// API and the web view read through the watcher that owns the store).
	query.Reader
	opts Options
	log  *slog.Logger
	now  func() time.Time

	plan   atomic.Pointer[plan.Plan]
	cycles atomic.Int64 // numbers cycles in logs
	health health

	// jobs lets one cycle, digest, prune, reload or rescan run at a time
	// (plans change between them), also when the admin API asks for
	// digests or a rescan (Exclusive); kick says messages were queued out
	// of the daemon's schedule (Queued).
	jobs sync.Mutex
	kick chan struct{}
}

// New builds a watcher on a compiled plan. Alerts without a Renderer is
// turned off.
func New(st *store.Store, p *plan.Plan, o Options) *Watcher {
	o.Alerts = o.Alerts && o.Renderer != nil
	w := &Watcher{Store: st, opts: o, log: o.Log, now: o.Now, kick: make(chan struct{}, 1)}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.now == nil {
		w.now = time.Now
	}
	w.plan.Store(p)
	w.Reader = query.New(st, w.Plan)
	return w
}

// Now is the watcher's clock.
func (w *Watcher) Now() time.Time { return w.now() }

// Plan is the plan in force.
func (w *Watcher) Plan() *plan.Plan { return w.plan.Load() }

// SetPlan replaces the plan between cycles (reload).
func (w *Watcher) SetPlan(p *plan.Plan) { w.plan.Store(p) }

// Exclusive runs job when no other cycle, digest, reload or rescan runs:
// the daemon's jobs go through it.
func (w *Watcher) Exclusive(job func()) {
	w.jobs.Lock()
	defer w.jobs.Unlock()
	job()
}

// Queued receives when messages were queued, or made due, outside the
// daemon's jobs (digests sent on demand, a retry): a running daemon
// sends them then, not within a minute.
func (w *Watcher) Queued() <-chan struct{} { return w.kick }

// view runs read in a read transaction and returns what it read; what
// names it in the error.
func view[T any](w *Watcher, what string, read func(*store.Tx) (T, error)) (T, error) {
	var out T
	err := w.Store.View(func(tx *store.Tx) (err error) { out, err = read(tx); return err })
	if err != nil {
		return out, fmt.Errorf("read %s from %s: %w", what, w.Store.Path(), err)
	}
	return out, nil
}

// update runs fn in a write transaction and records for Health whether
// the store took it; an error of fn's own says nothing of the store.
func (w *Watcher) update(fn func(*store.Tx) error) error {
	var fnErr error
	err := w.Store.Update(func(tx *store.Tx) error { fnErr = fn(tx); return fnErr })
	if err == nil || fnErr == nil {
		w.health.set(func(h *health) { h.writeErr, h.writeAt = errText(err), w.now() })
	}
	return err
}
