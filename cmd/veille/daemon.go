package main

import (
	"cmp"
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/veille-hq/veille/adminapi"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/watcher"
)

// configPollInterval is how often the daemon looks for an edited config.
const configPollInterval = 5 * time.Second

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "run")
	if err := parse(fs, args); err != nil {
		return err
	}
	m := metrics.New()
	a, err := openApp(e, *c, appMode{metrics: m})
	if err != nil {
		return err
	}
	defer a.Close()

	reload := make(chan *watcher.Plan)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go watchConfig(ctx, e, a, *c, hup, reload)
	return a.w.Run(ctx, reload, adminapi.Handler(a.w, m.Handler(), a.log))
}

// watchConfig reloads on SIGHUP and when the config file changes. An
// invalid config is logged with all its problems and the old one stays.
func watchConfig(ctx context.Context, e *env, a *app, c common, hup <-chan os.Signal, reload chan<- *watcher.Plan) {
	modTime := func() time.Time {
		if st, err := os.Stat(c.config); err == nil {
			return st.ModTime()
		}
		return time.Time{}
	}
	last := modTime()
	tick := time.NewTicker(cmp.Or(e.configPoll, configPollInterval))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			a.log.Info("SIGHUP: reloading config", "file", c.config)
		case <-tick.C:
			m := modTime()
			if m.Equal(last) {
				continue
			}
			last = m
			a.log.Info("config changed: reloading", "file", c.config)
		}
		cfg, err := loadConfig(&env{stdout: e.stdout, stderr: e.stderr}, c.config)
		if err != nil {
			a.log.Error("reload refused: keeping the running config", "file", c.config, "err", err)
			continue
		}
		plan, err := buildPlan(cfg)
		if err != nil {
			a.log.Error("reload refused: keeping the running config", "file", c.config, "err", err)
			continue
		}
		if cfg.Store != a.cfg.Store {
			a.log.Warn("store path changed: restart the daemon to use it", "running", a.cfg.Store, "new", cfg.Store)
		}
		select {
		case reload <- plan:
		case <-ctx.Done():
			return
		}
	}
}
