package watcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
)

// DefaultStopTimeout is how long in-flight work may run after a stop
// request before it is cancelled, unless Options.StopTimeout says otherwise.
const DefaultStopTimeout = 20 * time.Second

// The admin API's bounds: a reply must be written within apiWriteTimeout
// (the backup route sets its own, longer deadline), and a stop waits
// apiShutdownTimeout at most for requests in flight.
const (
	apiWriteTimeout    = 2 * time.Minute
	apiShutdownTimeout = 5 * time.Second
)

// pruneSchedule runs retention daily, at an hour with no DST jump.
const pruneSchedule = "17 4 * * *"

// lateAfter: a scheduled cycle this late makes /healthz fail.
const lateAfter = 10 * time.Minute

// minCycleBudget is the least a cycle may run before /healthz calls it
// stuck; the budget is twice the poll interval when that is longer, so a
// slow cycle that cron skips a run for is not reported.
const minCycleBudget = 30 * time.Minute

// health is the daemon's state behind Health.
type health struct {
	mu         sync.Mutex
	lastEnd    time.Time
	lastErr    string
	lastStats  CycleStats
	cycleStart time.Time // of the cycle running, zero between cycles
	writeErr   string    // the last store write's failure, "" once one succeeds
	writeAt    time.Time
	poll       cron.Schedule // the poll schedule in force
	skipped    atomic.Int64
}

// set changes the state under its lock.
func (h *health) set(f func(h *health)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(h)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// budget is how long the cycle started at start may run (minCycleBudget).
func (h *health) budget(start time.Time) time.Duration {
	if h.poll == nil {
		return minCycleBudget
	}
	next := h.poll.Next(start)
	return max(minCycleBudget, 2*h.poll.Next(next).Sub(next))
}

// cronLogger adapts slog to cron's logger and counts skipped runs, which
// cron's default logger would hide.
type cronLogger struct {
	log     *slog.Logger
	skip    *atomic.Int64
	metrics *metrics.Metrics
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.skip.Add(1)
		l.metrics.Skip()
		l.log.Warn("scheduled run skipped: the previous one is still running")
	}
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("scheduler: "+msg, append(kv, "err", err)...)
}

// Run is the daemon: it polls at start and on the poll schedule, queues
// digests on the digest schedule, drains the outbox, serves api (/healthz,
// /metrics and the admin API: adminapi.Handler) on listen, and applies
// plans received on reload between cycles. It returns when ctx
// is cancelled, after in-flight work ends (or is cancelled after
// Options.StopTimeout, DefaultStopTimeout when zero).
func (w *Watcher) Run(ctx context.Context, reload <-chan *plan.Plan, api http.Handler) error {
	stopTimeout := cmp.Or(w.opts.StopTimeout, DefaultStopTimeout)
	h := &w.health
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()

	// The outbox drains in a goroutine of its own, woken at start, after
	// each cycle and digest and every minute: a hung mail server never delays a poll.
	kick, wake := w.kick, w.wakeOutbox
	locked := func(job func()) func() {
		return func() { w.jobs.Lock(); defer w.jobs.Unlock(); job() }
	}
	poll := locked(func() {
		if _, err := w.Cycle(jobCtx); err != nil {
			w.log.Error("cycle failed", "err", err)
		}
		wake()
	})
	digest := locked(func() {
		if _, err := w.QueueDigests(w.now(), ""); err != nil {
			w.log.Error("digests failed", "err", err)
		}
		if _, err := w.QueueSourceReport(w.now()); err != nil {
			w.log.Error("queue source report", "err", err)
		}
		wake()
	})
	prune := locked(func() {
		cfg := w.Plan().Config()
		p, err := w.Store.Prune(cfg.Retention.D(), w.now(), cfg.Location)
		if err != nil {
			w.log.Error("retention", "err", err)
			return
		}
		w.log.Info("retention: pruned", "items", p.Items, "signals", p.Signals, "history", p.History, "digest_log", p.DigestLog)
	})

	logger := cronLogger{log: w.log, skip: &h.skipped, metrics: w.opts.Metrics}
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		drain := cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(func() {
			if _, _, err := w.DrainOutbox(jobCtx); err != nil && !errors.Is(err, context.Canceled) {
				w.log.Error("outbox", "err", err)
			}
		}))
		for {
			select {
			case <-kick:
				drain.Run()
			case <-ctx.Done():
				return
			}
		}
	}()
	wake()
	var c *cron.Cron
	schedule := func(p *plan.Plan) error {
		nc := cron.New(cron.WithLocation(p.Config().Location), cron.WithLogger(logger),
			// SkipIfStillRunning first: outside Recover, a panicking job would keep its token forever (robfig/cron#366).
			cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
		pollID, err := nc.AddFunc(p.Config().Poll, poll)
		if err != nil {
			return fmt.Errorf("poll %q: %w", p.Config().Poll, err)
		}
		if _, err := nc.AddFunc(p.Config().Digest.Schedule, digest); err != nil {
			return fmt.Errorf("digest.schedule %q: %w", p.Config().Digest.Schedule, err)
		}
		if _, err := nc.AddFunc("* * * * *", wake); err != nil {
			return err
		}
		if _, err := nc.AddFunc(pruneSchedule, prune); err != nil {
			return err
		}
		if c != nil {
			<-c.Stop().Done()
		}
		c = nc
		h.set(func(h *health) { h.poll = c.Entry(pollID).Schedule })
		c.Start()
		return nil
	}

	listen := w.Plan().Config().Listen
	srv, err := w.serve(listen, api)
	if err != nil {
		return err
	}
	if err := schedule(w.Plan()); err != nil {
		return err
	}
	// The first poll runs outside cron, so it gets cron's Recover here and
	// its own done channel for the stop below.
	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		// The config may have changed while the daemon was stopped.
		cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(locked(func() { w.rescanLogged(w.Plan(), "start") }))).Run()
		cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(poll)).Run()
	}()
	w.log.Info("daemon started", "store", w.Store.Path(), "poll", w.Plan().Config().Poll, "digest", w.Plan().Config().Digest.Schedule)

	for {
		select {
		case p := <-reload:
			w.jobs.Lock()
			w.SetPlan(p)
			// Matching or classifying may have changed: the stored items say
			// what the signals are now. Then scoring may have: scores are
			// computed, never stale.
			w.rescanLogged(p, "reload")
			err := w.Rescore(w.now())
			w.jobs.Unlock()
			if err != nil {
				w.log.Error("reload: rescore", "err", err)
			}
			if err := schedule(p); err != nil {
				w.log.Error("reload: schedule", "err", err)
			}
			if p.Config().Listen != listen {
				w.log.Warn("reload: listen changed: restart the daemon to serve there", "serving", listen, "new", p.Config().Listen)
			}
			w.log.Info("config reloaded", "prospects", p.Prospects(), "sources", len(p.Sources()))
		case <-ctx.Done():
			w.log.Info("stopping: waiting for in-flight work", "timeout", stopTimeout)
			// The server stops beside the jobs, within the same stop timeout:
			// API requests still running then (a client that stopped reading)
			// have their connections closed.
			httpDone := make(chan struct{})
			go func() {
				defer close(httpDone)
				if srv == nil {
					return
				}
				shutCtx, cancel := context.WithTimeout(context.Background(), min(apiShutdownTimeout, stopTimeout))
				defer cancel()
				if srv.Shutdown(shutCtx) != nil {
					w.log.Warn("admin API requests did not finish in time: closing their connections")
					srv.Close()
				}
			}()
			cronDone := c.Stop().Done()
			idle := make(chan struct{})
			go func() { <-cronDone; <-firstDone; <-sendDone; close(idle) }()
			select {
			case <-idle:
			case <-time.After(stopTimeout):
				w.log.Warn("in-flight work did not finish in time: cancelling it")
				cancelJobs()
				<-idle
			}
			<-httpDone
			w.log.Info("stopped")
			return nil
		}
	}
}

// Health is the daemon's state as /healthz reports it.
type Health struct {
	// ok; store_failing: the last store write failed (disk full); stuck: the
	// running cycle is over its budget (health.budget); starting: no cycle
	// has completed; late: a scheduled one has not.
	Status      string
	Reason      string // why it is not ok, with the error
	LastCycle   time.Time
	LastError   string // the last cycle's, if it failed
	LastStats   CycleStats
	SkippedRuns int64 // scheduled runs skipped: the previous one was still running
}

// Health says whether the store takes writes and the daemon's cycles end,
// and run on schedule.
func (w *Watcher) Health() Health {
	h := &w.health
	h.mu.Lock()
	defer h.mu.Unlock()
	out := Health{Status: "ok", LastCycle: h.lastEnd, LastError: h.lastErr, LastStats: h.lastStats, SkippedRuns: h.skipped.Load()}
	lastEnd := h.lastEnd.In(w.Plan().Config().Location) // cron reads a schedule in the config's time zone
	start, now := h.cycleStart.In(lastEnd.Location()), w.now()
	switch {
	case h.writeErr != "":
		out.Status, out.Reason = "store_failing", fmt.Sprintf("the last write to the store failed at %s: %s", h.writeAt.Format(time.RFC3339), h.writeErr)
	case !start.IsZero() && now.Sub(start) > h.budget(start):
		out.Status, out.Reason = "stuck", fmt.Sprintf("the cycle started at %s has run %s, over its budget of %s", start.Format(time.RFC3339), now.Sub(start).Round(time.Second), h.budget(start))
	case h.lastEnd.IsZero():
		out.Status, out.Reason = "starting", "no poll cycle has completed yet"
	case h.poll != nil && now.Sub(h.poll.Next(lastEnd)) > lateAfter:
		out.Status, out.Reason = "late", fmt.Sprintf("the cycle due at %s has not completed", h.poll.Next(lastEnd).Format(time.RFC3339))
	}
	return out
}

// serve serves h on addr (none when addr is empty or h nil).
func (w *Watcher) serve(addr string, h http.Handler) (*http.Server, error) {
	if addr == "" || h == nil {
		return nil, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      apiWriteTimeout,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			w.log.Error("http server", "err", err)
		}
	}()
	w.log.Info("serving /healthz, /metrics and the admin API", "listen", l.Addr().String())
	return srv, nil
}

// rescanLogged rescans when the plan's matching differs from the last
// rescan's (rescanIfChanged) and logs what changed; a failure is logged
// and leaves the signals as they were.
func (w *Watcher) rescanLogged(p *plan.Plan, when string) {
	r, done, err := w.rescanIfChanged(p, w.now())
	if err != nil {
		w.log.Error(when+": rescan stored items", "err", err)
		return
	}
	if done {
		w.log.Info(when+": matching or classifying changed: stored items rescanned", "since", r.Since, "items", r.Items,
			"dropped", len(r.Dropped), "added", len(r.Added), "relabelled", len(r.Relabelled), "scores_changed", len(r.Scores))
	}
}
