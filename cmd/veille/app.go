package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
	"github.com/veille-hq/veille/web"
)

// version is set by the linker for releases; build info fills it otherwise.
var version = ""

// storeOpenTimeout is how long a command waits for the store's lock: a
// second writer must fail fast, not hang.
const storeOpenTimeout = time.Second

// common are the flags most commands share.
type common struct {
	config    string
	logFormat string
	verbose   bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "c", "veille.yaml", "config file")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&c.verbose, "v", false, "debug logs")
}

func (c *common) logger(e *env) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if c.verbose {
		opts.Level = slog.LevelDebug
	}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format %q: use text or json", c.logFormat)}
}

// loadConfig loads and validates the config; every problem goes to stderr
// as FILE:LINE: path: message.
func loadConfig(e *env, path string) (*config.Config, error) {
	cfg, err := config.Load(path, config.Options{Labels: signals.LabelIDs()})
	var problems config.Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		fmt.Fprintf(e.stderr, "%s: %s; fix them and run 'veille check -c %s'\n", path, plural(len(problems), "problem", "problems"), path)
		return nil, errSilent
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// lexicon compiles the embedded lexicon overlaid with lexicon_dir's files.
func lexicon(dir string) (*signals.Lexicon, error) {
	files := map[string][]byte{}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("lexicon_dir: %w", err)
		}
		for _, en := range entries {
			if en.IsDir() || !strings.HasSuffix(en.Name(), ".txt") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, en.Name()))
			if err != nil {
				return nil, fmt.Errorf("lexicon_dir: %w", err)
			}
			files[en.Name()] = b
		}
	}
	return signals.NewLexicon(files)
}

// app is a loaded config wired to an open store.
type app struct {
	cfg    *config.Config
	log    *slog.Logger
	w      *watcher.Watcher
	out    *deliver.Deliverer // sends the watcher's outbox
	signer *web.Signer        // the public links' signer; nil without public_url
	fetch  *sources.Fetcher
}

// Close stops the browser a cycle cut short left running, and closes the store.
func (a *app) Close() error {
	a.fetch.EndCycle()
	return a.w.Store.Close()
}

// appMode is what a command wants of its watcher besides the config.
type appMode struct {
	noSend  bool             // queue and send nothing: no alerts, no delivery
	metrics *metrics.Metrics // the daemon's series; nil: none
}

// openApp loads the config, opens the store and wires the real fetcher and
// renderer into a watcher, and (when smtp.host is set) the sender into
// its deliverer.
func openApp(e *env, c common, m appMode) (*app, error) {
	cfg, err := loadConfig(e, c.config)
	if err != nil {
		return nil, err
	}
	return newApp(e, c, cfg, m)
}

func newApp(e *env, c common, cfg *config.Config, m appMode) (*app, error) {
	log, err := c.logger(e)
	if err != nil {
		return nil, err
	}
	plan, err := buildPlan(cfg)
	if err != nil {
		return nil, err
	}
	setMemoryLimit(plan, log)
	r, err := renderer(cfg)
	if err != nil {
		return nil, err
	}
	var sender deliver.Sender
	if cfg.SMTP.Host != "" {
		s, err := newSender(cfg)
		if err != nil {
			return nil, err
		}
		sender = s
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Store), 0o750); err != nil {
		return nil, fmt.Errorf("store folder: %w", err)
	}
	signer, err := publicSigner(cfg, log)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.Store, cmp.Or(e.storeWait, storeOpenTimeout))
	if err != nil {
		return nil, err
	}
	// Always wired: a reload may add a webhook to a daemon that had none.
	hooks := notify.NewWebhooks(notify.WebhookOptions{
		Timeout: cfg.SMTP.Timeout.D(), AllowPrivate: cfg.Fetch.AllowPrivatePrefixes(),
		UserAgent: "veille/" + buildVersion(),
	})
	f := fetcher(cfg)
	o := watcher.Options{
		Fetcher: f, Renderer: r, Webhooks: hooks, Alerts: !m.noSend,
		Log: log, Now: e.now, Metrics: m.metrics,
	}
	if signer != nil {
		o.Links = web.NewLinks(cfg.PublicURL, signer)
	}
	w := watcher.New(st, plan, o)
	out := deliver.New(w, deliver.Options{
		Sender: sender, Webhooks: hooks, Config: func() *config.Config { return w.Plan().Config() },
		Send: !m.noSend, Log: log, Now: e.now, Metrics: m.metrics,
	})
	return &app{cfg: cfg, log: log, w: w, out: out, signer: signer, fetch: f}, nil
}

func buildPlan(cfg *config.Config) (*plan.Plan, error) {
	lex, err := lexicon(cfg.LexiconDir)
	if err != nil {
		return nil, err
	}
	return plan.New(cfg, lex)
}

// fetcher is the config's fetcher, with a browser for the pages to render.
func fetcher(cfg *config.Config) *sources.Fetcher { return fetcherWith(cfg, newBrowser()) }

func fetcherWith(cfg *config.Config, r sources.PageRenderer) *sources.Fetcher {
	robots := cfg.Fetch.Robots == nil || *cfg.Fetch.Robots
	return sources.NewFetcher(sources.Options{
		Renderer:        r,
		Timeout:         cfg.Fetch.Timeout.D(),
		MaxBody:         int64(cfg.Fetch.MaxBody),
		Concurrency:     cfg.Fetch.Concurrency,
		MaxItems:        cfg.Fetch.MaxItems,
		AllowPrivate:    cfg.Fetch.AllowPrivatePrefixes(),
		PerHostInterval: cfg.Fetch.PerHostInterval.D(),
		Robots:          robots,
		Contact:         cfg.Fetch.Contact,
		Version:         buildVersion(),
	})
}

func renderer(cfg *config.Config) (*notify.Renderer, error) {
	o := notify.Options{From: cfg.SMTP.From, ReplyTo: cfg.SMTP.ReplyTo}
	if cfg.Digest.Templates != "" {
		o.Templates = os.DirFS(cfg.Digest.Templates)
	}
	return notify.NewRenderer(o)
}

func newSender(cfg *config.Config) (*notify.Sender, error) {
	pw, err := cfg.SMTPPassword()
	if err != nil {
		return nil, err
	}
	return notify.NewSender(notify.SMTPOptions{
		Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, TLS: cfg.SMTP.TLS, AllowInsecure: cfg.SMTP.AllowInsecure,
		Username: cfg.SMTP.Username, Password: pw, Timeout: cfg.SMTP.Timeout.D(), CAFile: cfg.SMTP.CAFile,
	})
}
