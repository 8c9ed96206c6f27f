package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/veille-hq/veille/adminapi"
	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// backend is what the read and admin commands need: the store opened
// here, or the running daemon's admin API when the daemon holds the file.
type backend interface {
	Leads(context.Context, query.LeadFilter) ([]signals.Lead, error)
	Signals(context.Context, query.SignalFilter) ([]query.SignalView, error)
	Sources(ctx context.Context, failing bool) ([]query.SourceView, error)
	Outbox(context.Context) ([]store.OutboxEntry, error)
	RetryOutbox(ctx context.Context, id uint64) (int, error)
	DropOutbox(ctx context.Context, id uint64) error
	RenderDigests(ctx context.Context, rep string) ([]signals.Message, error)
	SendDigests(ctx context.Context, rep string) (int, error)
	BackupFile(ctx context.Context, path string) (int64, error)
	Feedback(context.Context) ([]signals.Feedback, error)
	Rescan(ctx context.Context, since time.Time) (query.RescanReport, error)
}

// local serves the commands from a store opened by this process.
type local struct{ a *app }

func (l local) Leads(_ context.Context, f query.LeadFilter) ([]signals.Lead, error) {
	return l.a.w.Leads(f)
}
func (l local) Signals(_ context.Context, f query.SignalFilter) ([]query.SignalView, error) {
	return l.a.w.Signals(f, l.a.w.Now())
}
func (l local) Sources(_ context.Context, failing bool) ([]query.SourceView, error) {
	return l.a.w.Sources(failing)
}
func (l local) Outbox(context.Context) ([]store.OutboxEntry, error) { return l.a.w.Outbox() }
func (l local) RetryOutbox(_ context.Context, id uint64) (int, error) {
	return l.a.w.RetryOutbox(id)
}
func (l local) DropOutbox(_ context.Context, id uint64) error { return l.a.w.DropOutbox(id) }
func (l local) RenderDigests(_ context.Context, rep string) ([]signals.Message, error) {
	return l.a.w.RenderDigests(l.a.w.Now(), rep)
}
func (l local) SendDigests(_ context.Context, rep string) (int, error) {
	return l.a.w.SendDigests(rep)
}
func (l local) BackupFile(_ context.Context, path string) (int64, error) {
	return l.a.w.Store.BackupFile(path)
}
func (l local) Rescan(_ context.Context, since time.Time) (query.RescanReport, error) {
	return l.a.w.Rescan(l.a.w.Now(), since)
}

func (l local) Feedback(context.Context) ([]signals.Feedback, error) { return l.a.w.AllFeedback() }

// session is a backend and, when this process opened the store, the app
// behind it (nil when the daemon answers).
type session struct {
	backend
	app *app
	cfg *config.Config
}

func (s session) Close() {
	if s.app != nil {
		s.app.Close()
	}
}

// openSession opens the store, or, when a daemon holds it and serves the
// admin API, talks to the daemon.
func openSession(e *env, c common) (session, error) {
	cfg, err := loadConfig(e, c.config)
	if err != nil {
		return session{}, err
	}
	a, err := newApp(e, c, cfg, appMode{})
	if errors.Is(err, store.ErrLocked) && cfg.Listen != "" {
		token, terr := adminapi.ReadToken(cfg.AdminTokenFile)
		if terr != nil {
			return session{}, fmt.Errorf("%w; reaching the daemon that holds it needs %w", err, terr)
		}
		return session{backend: adminapi.NewClient(cfg.Listen, token), cfg: cfg}, nil
	}
	if err != nil {
		return session{}, err
	}
	return session{backend: local{a}, app: a, cfg: cfg}, nil
}
