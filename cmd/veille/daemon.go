package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/veille-hq/veille/adminapi"
	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/daemon"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
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

	d := daemon.New(a.w, a.out, daemon.Options{Log: a.log, Metrics: m, StopTimeout: e.stopTimeout})
	reload := make(chan *plan.Plan)
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
		api = adminapi.Handler(apiBackend{a.w, d}, adminapi.Options{
			Token: token, Listen: a.cfg.Listen,
			Metrics: m.Handler(), MetricsAuth: a.cfg.MetricsAuth,
			Log: a.log, BackupDir: filepath.Dir(a.cfg.Store),
		})
	}
	stopPublic, err := servePublic(ctx, a, m)
	if err != nil {
		return err
	}
	defer stopPublic()
	return d.Run(ctx, reload, api)
}

// apiBackend is what the admin API serves: the watcher's reads and
// writes, the daemon's health.
type apiBackend struct {
	*watcher.Watcher
	*daemon.Daemon
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

// watchConfig reloads on SIGHUP and when the config file, a watch list's
// prospects CSV or a file of lexicon_dir changes. An invalid config is
// logged with all its problems and the old one stays.
func watchConfig(ctx context.Context, e *env, a *app, c common, hup <-chan os.Signal, reload chan<- *plan.Plan) {
	// The files come from the config in force: a refused reload keeps
	// watching them, so fixing the mistake in any of them reloads.
	files := watchedFiles(c.config, a.cfg)
	last := fingerprint(files)
	tick := time.NewTicker(cmp.Or(e.configPoll, configPollInterval))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			a.log.Info("SIGHUP: reloading config", "file", c.config)
		case <-tick.C:
			m := fingerprint(files)
			changed := changedFile(last, m)
			if changed == "" {
				continue
			}
			last = m
			a.log.Info("config changed: reloading", "file", changed)
		}
		cfg, err := loadConfig(&env{stdout: e.stdout, stderr: e.stderr}, c.config)
		if err != nil {
			a.log.Error("reload refused: keeping the running config", "file", c.config, "err", err)
			continue
		}
		pl, err := buildPlan(cfg)
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
		files = watchedFiles(c.config, cfg)
		last = fingerprint(files)
		if cfg.PublicURL != a.cfg.PublicURL || cfg.PublicListen != a.cfg.PublicListen || cfg.PublicSecretFile != a.cfg.PublicSecretFile || cfg.PublicLinkTTL != a.cfg.PublicLinkTTL {
			a.log.Warn("public_url, public_listen, public_secret_file or public_link_ttl changed: restart the daemon to apply it")
		}
		select {
		case reload <- pl:
			setMemoryLimit(pl, a.log)
		case <-ctx.Done():
			return
		}
	}
}

// watchedFiles are the files a config is read from: the config itself,
// each watch list's prospects CSV and lexicon_dir (the folder, whose
// modification time changes when a file is added or removed, and its
// .txt files, which lexicon reads).
func watchedFiles(path string, cfg *config.Config) []string {
	files := []string{path}
	for _, w := range cfg.Watchlists {
		if w.ProspectsCSV != "" {
			files = append(files, w.ProspectsCSV)
		}
	}
	if cfg.LexiconDir != "" {
		files = append(files, cfg.LexiconDir)
		if entries, err := os.ReadDir(cfg.LexiconDir); err == nil {
			for _, en := range entries {
				if !en.IsDir() && strings.HasSuffix(en.Name(), ".txt") {
					files = append(files, filepath.Join(cfg.LexiconDir, en.Name()))
				}
			}
		}
	}
	return files
}

// fileStamp is what tells an edited file: an editor that saves within the
// same second on a coarse clock still changes the size, or the reverse.
type fileStamp struct {
	file string
	mod  time.Time
	size int64
}

// fingerprint stamps each file; a missing one has a zero stamp, so its
// removal or creation is a change too.
func fingerprint(files []string) []fileStamp {
	out := make([]fileStamp, len(files))
	for i, f := range files {
		out[i].file = f
		if st, err := os.Stat(f); err == nil {
			out[i].mod, out[i].size = st.ModTime(), st.Size()
		}
	}
	return out
}

// changedFile names the first file whose stamp differs, "" when none does.
func changedFile(old, cur []fileStamp) string {
	for i, s := range cur {
		if i >= len(old) || old[i].file != s.file || !old[i].mod.Equal(s.mod) || old[i].size != s.size {
			return s.file
		}
	}
	if len(old) > len(cur) {
		return old[len(cur)].file
	}
	return ""
}
