package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
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
	var api http.Handler
	if a.cfg.Listen != "" {
		token, err := adminToken(a)
		if err != nil {
			return err
		}
		api = adminapi.Handler(a.w, adminapi.Options{
			Token: token, Listen: a.cfg.Listen,
			Metrics: m.Handler(), MetricsAuth: a.cfg.MetricsAuth,
			Log: a.log, BackupDir: filepath.Dir(a.cfg.Store),
		})
	}
	return a.w.Run(ctx, reload, api)
}

// adminToken reads the admin API's token, creating its file on the first
// start. The token itself is never logged.
func adminToken(a *app) (string, error) {
	p := a.cfg.AdminTokenFile
	token, created, err := adminapi.EnsureToken(p)
	if err != nil {
		return "", fmt.Errorf("%w (admin_token_file)", err)
	}
	if created {
		a.log.Info("admin API token created: the CLI reads it from this file", "file", p)
	} else if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
		a.log.Warn("admin token file is readable by other users: chmod 600 it, or delete it and restart to make a new token", "file", p, "mode", st.Mode().Perm().String())
	}
	return token, nil
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
		if cfg.AdminTokenFile != a.cfg.AdminTokenFile || cfg.MetricsAuth != a.cfg.MetricsAuth {
			a.log.Warn("admin_token_file or metrics_auth changed: restart the daemon to apply it")
		}
		select {
		case reload <- plan:
			setMemoryLimit(plan, a.log)
		case <-ctx.Done():
			return
		}
	}
}
