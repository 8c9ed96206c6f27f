// Package daemon runs a watcher as the long-running service of `veille
// run`: the cron schedules (poll, digests, retention), the outbox's sender
// loop, the admin listener, reloads between jobs, a stop that waits for
// the work in flight, and the state /healthz reports. It drives the
// watcher and the deliverer; neither knows of it.
package daemon

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

	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/watcher"
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

// pruneSchedule runs retention daily, at an hour with no DST jump;
// pruneRetrySchedule retries it hourly while the last one failed, away
// from the daily run's minute.
const (
	pruneSchedule      = "17 4 * * *"
	pruneRetrySchedule = "47 * * * *"
)

// lateAfter: a scheduled cycle this late makes /healthz fail.
const lateAfter = 10 * time.Minute

// minCycleBudget is the least a cycle may run before /healthz calls it
// stuck; the budget is twice the poll interval when that is longer, so a
// slow cycle that cron skips a run for is not reported.
const minCycleBudget = 30 * time.Minute

// Options are what a daemon runs with besides its watcher and deliverer.
type Options struct {
	Log     *slog.Logger     // nil: no logs
	Metrics *metrics.Metrics // nil: no metrics
	// StopTimeout bounds Run's wait for in-flight work after a stop
	// request; zero means DefaultStopTimeout.
	StopTimeout time.Duration
}

// Daemon runs a watcher's jobs on its plan's schedules and a deliverer's
// drains.
type Daemon struct {
	w   *watcher.Watcher
	out *deliver.Deliverer
	o   Options
	log *slog.Logger

	mu        sync.Mutex
	poll      cron.Schedule // the poll schedule in force
	retention Retention     // the last prune's outcome
	skipped   atomic.Int64
	// kick wakes the outbox loop, as the watcher's Queued does.
	kick chan struct{}
}

// New is a daemon of w delivering through out.
func New(w *watcher.Watcher, out *deliver.Deliverer, o Options) *Daemon {
	d := &Daemon{w: w, out: out, o: o, log: o.Log, kick: make(chan struct{}, 1)}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	return d
}

// wakeOutbox asks the outbox loop to drain now.
func (d *Daemon) wakeOutbox() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// budget is how long the cycle started at start may run (minCycleBudget)
// under the poll schedule poll.
func budget(poll cron.Schedule, start time.Time) time.Duration {
	if poll == nil {
		return minCycleBudget
	}
	next := poll.Next(start)
	return max(minCycleBudget, 2*poll.Next(next).Sub(next))
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
func (d *Daemon) Run(ctx context.Context, reload <-chan *plan.Plan, api http.Handler) error {
	w := d.w
	stopTimeout := cmp.Or(d.o.StopTimeout, DefaultStopTimeout)
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()

	// The outbox drains in a goroutine of its own, woken at start, after
	// each cycle and digest, when the watcher queues messages out of
	// schedule, and every minute: a hung mail server never delays a poll.
	wake := d.wakeOutbox
	locked := func(job func()) func() {
		return func() { w.Exclusive(job) }
	}
	poll := locked(func() {
		if _, err := w.Cycle(jobCtx); err != nil {
			d.log.Error("cycle failed", "err", err)
		}
		wake()
	})
	digest := locked(func() {
		if _, err := w.QueueDigests(w.Now(), ""); err != nil {
			d.log.Error("digests failed", "err", err)
		}
		if _, err := w.QueueSourceReport(w.Now()); err != nil {
			d.log.Error("queue source report", "err", err)
		}
		wake()
	})
	prune := locked(d.prune)
	pruneRetry := locked(d.retryPrune)

	logger := cronLogger{log: d.log, skip: &d.skipped, metrics: d.o.Metrics}
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		drain := cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(func() {
			if _, _, err := d.out.Drain(jobCtx); err != nil && !errors.Is(err, context.Canceled) {
				d.log.Error("outbox", "err", err)
			}
		}))
		for {
			select {
			case <-d.kick:
				drain.Run()
			case <-w.Queued():
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
		if _, err := nc.AddFunc(pruneRetrySchedule, pruneRetry); err != nil {
			return err
		}
		if c != nil {
			<-c.Stop().Done()
		}
		c = nc
		d.mu.Lock()
		d.poll = c.Entry(pollID).Schedule
		d.mu.Unlock()
		c.Start()
		return nil
	}

	listen := w.Plan().Config().Listen
	srv, err := d.serve(listen, api)
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
		cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(locked(func() { d.rescanLogged(w.Plan(), "start") }))).Run()
		cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(poll)).Run()
		// A prune at start finds a failing one again after a restart,
		// which forgets the last outcome.
		cron.NewChain(cron.Recover(logger)).Then(cron.FuncJob(prune)).Run()
	}()
	d.log.Info("daemon started", "store", w.Store.Path(), "poll", w.Plan().Config().Poll, "digest", w.Plan().Config().Digest.Schedule)

	for {
		select {
		case p := <-reload:
			var err error
			w.Exclusive(func() {
				w.SetPlan(p)
				// Matching or classifying may have changed: the stored items
				// say what the signals are now. Then scoring may have: scores
				// are computed, never stale.
				d.rescanLogged(p, "reload")
				err = w.Rescore(w.Now())
			})
			if err != nil {
				d.log.Error("reload: rescore", "err", err)
			}
			if err := schedule(p); err != nil {
				d.log.Error("reload: schedule", "err", err)
			}
			if p.Config().Listen != listen {
				d.log.Warn("reload: listen changed: restart the daemon to serve there", "serving", listen, "new", p.Config().Listen)
			}
			d.log.Info("config reloaded", "prospects", p.Prospects(), "sources", len(p.Sources()))
		case <-ctx.Done():
			d.log.Info("stopping: waiting for in-flight work", "timeout", stopTimeout)
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
					d.log.Warn("admin API requests did not finish in time: closing their connections")
					srv.Close()
				}
			}()
			cronDone := c.Stop().Done()
			idle := make(chan struct{})
			go func() { <-cronDone; <-firstDone; <-sendDone; close(idle) }()
			select {
			case <-idle:
			case <-time.After(stopTimeout):
				d.log.Warn("in-flight work did not finish in time: cancelling it")
				cancelJobs()
				<-idle
			}
			<-httpDone
			d.log.Info("stopped")
			return nil
		}
	}
}

// prune applies retention to the store and keeps its outcome for Health.
func (d *Daemon) prune() {
	w := d.w
	cfg := w.Plan().Config()
	p, err := w.Store.Prune(cfg.Retention.D(), w.Now(), cfg.Location)
	d.mu.Lock()
	d.retention = Retention{LastRun: w.Now()}
	if err != nil {
		d.retention.Err = err.Error()
	}
	d.mu.Unlock()
	d.o.Metrics.RetentionFailing(err != nil)
	if err != nil {
		d.log.Error("retention: prune failed, retrying hourly", "err", err)
		return
	}
	d.log.Info("retention: pruned", "items", p.Items, "signals", p.Signals, "history", p.History, "digest_log", p.DigestLog)
}

// retryPrune prunes again when the last prune failed.
func (d *Daemon) retryPrune() {
	d.mu.Lock()
	failed := d.retention.Err != ""
	d.mu.Unlock()
	if failed {
		d.prune()
	}
}

// Health is the daemon's state as /healthz reports it.
type Health struct {
	// ok; store_failing: the last store write failed (disk full); stuck: the
	// running cycle is over its budget (budget); starting: no cycle has
	// completed; late: a scheduled one has not; degraded: the daemon polls
	// and sends, but the last retention prune failed.
	Status      string
	Reason      string // why it is not ok, with the error
	LastCycle   time.Time
	LastError   string // the last cycle's, if it failed
	LastStats   watcher.CycleStats
	SkippedRuns int64 // scheduled runs skipped: the previous one was still running
	Retention   Retention
}

// Serving says whether the daemon does its job: every status but ok and
// degraded means leads or messages are not coming.
func (h Health) Serving() bool { return h.Status == "ok" || h.Status == "degraded" }

// Retention is the outcome of the last daily prune (zero before the
// first). A failed prune leaves the store growing past the configured
// retention, which no cycle would show.
type Retention struct {
	LastRun time.Time
	Err     string
}

// Health says whether the store takes writes and the daemon's cycles end,
// and run on schedule.
func (d *Daemon) Health() Health {
	d.mu.Lock()
	poll, retention := d.poll, d.retention
	d.mu.Unlock()
	return health(d.w.Status(), poll, d.skipped.Load(), retention, d.w.Now(), d.w.Plan().Config().Location)
}

// health is the state /healthz reports of a watcher in status s at now,
// polling on poll in the zone loc after skipped runs were skipped, its
// last prune's outcome being r.
func health(s watcher.Status, poll cron.Schedule, skipped int64, r Retention, now time.Time, loc *time.Location) Health {
	out := Health{Status: "ok", LastCycle: s.LastEnd, LastError: s.LastErr, LastStats: s.LastStats, SkippedRuns: skipped, Retention: r}
	lastEnd := s.LastEnd.In(loc) // cron reads a schedule in the config's time zone
	start := s.CycleStart.In(loc)
	switch {
	case s.WriteErr != "":
		out.Status, out.Reason = "store_failing", fmt.Sprintf("the last write to the store failed at %s: %s", s.WriteAt.Format(time.RFC3339), s.WriteErr)
	case !start.IsZero() && now.Sub(start) > budget(poll, start):
		out.Status, out.Reason = "stuck", fmt.Sprintf("the cycle started at %s has run %s, over its budget of %s", start.Format(time.RFC3339), now.Sub(start).Round(time.Second), budget(poll, start))
	case s.LastEnd.IsZero():
		out.Status, out.Reason = "starting", "no poll cycle has completed yet"
	case poll != nil && now.Sub(poll.Next(lastEnd)) > lateAfter:
		out.Status, out.Reason = "late", fmt.Sprintf("the cycle due at %s has not completed", poll.Next(lastEnd).Format(time.RFC3339))
	case r.Err != "":
		out.Status, out.Reason = "degraded", fmt.Sprintf("the retention prune at %s failed: %s (the store keeps what retention would drop until a prune succeeds; it is retried hourly)", r.LastRun.In(loc).Format(time.RFC3339), r.Err)
	}
	return out
}

// serve serves h on addr (none when addr is empty or h nil).
func (d *Daemon) serve(addr string, h http.Handler) (*http.Server, error) {
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
			d.log.Error("http server", "err", err)
		}
	}()
	d.log.Info("serving /healthz, /metrics and the admin API", "listen", l.Addr().String())
	return srv, nil
}

// rescanLogged rescans when the plan's matching differs from the last
// rescan's (watcher.RescanIfChanged) and logs what changed; a failure is
// logged and leaves the signals as they were.
func (d *Daemon) rescanLogged(p *plan.Plan, when string) {
	r, done, err := d.w.RescanIfChanged(p, d.w.Now())
	if err != nil {
		d.log.Error(when+": rescan stored items", "err", err)
		return
	}
	if done {
		d.log.Info(when+": matching or classifying changed: stored items rescanned", "since", r.Since, "items", r.Items,
			"dropped", len(r.Dropped), "added", len(r.Added), "relabelled", len(r.Relabelled), "scores_changed", len(r.Scores))
	}
}
