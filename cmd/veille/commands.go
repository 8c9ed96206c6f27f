package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

func cmdCheck(_ context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "check")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, c.config)
	if err != nil {
		return err
	}
	plan, err := buildPlan(cfg)
	if err != nil {
		return err
	}
	byKind, shared := plan.SourceCounts()
	fmt.Fprintf(e.stdout, "%s: ok\n", c.config)
	fmt.Fprintf(e.stdout, "  reps:        %d\n", len(cfg.Reps))
	fmt.Fprintf(e.stdout, "  watch lists: %d\n", len(cfg.Watchlists))
	fmt.Fprintf(e.stdout, "  prospects:   %d\n", plan.Prospects())
	fmt.Fprintf(e.stdout, "  sources:     %d feeds (%d shared), %d pages, %d change watches, %d sites to autodiscover\n",
		byKind[signals.KindFeed], shared, byKind[signals.KindPage], byKind[signals.KindChanges], byKind[signals.KindSite])
	fmt.Fprintf(e.stdout, "  store:       %s\n", cfg.Store)
	fmt.Fprintf(e.stdout, "  poll:        %s (%s); digest: %s\n", cfg.Poll, cfg.Timezone, cfg.Digest.Schedule)
	if cfg.SMTP.Host == "" {
		fmt.Fprintln(e.stdout, "  smtp:        not configured (previews only)")
	} else {
		fmt.Fprintf(e.stdout, "  smtp:        %s:%d (%s)\n", cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS)
	}
	var companies []signals.Company
	for _, wl := range cfg.Watchlists {
		for _, p := range wl.Prospects {
			companies = append(companies, signals.Company{Key: p.Where() + ": " + wl.ID + "/" + p.Name, Name: p.Name, Aliases: p.Aliases, Domain: p.Domain, Exclude: p.Exclude})
		}
	}
	if cfg.Listen == "" {
		fmt.Fprintln(e.stdout, "  admin API:   off (listen is empty)")
	} else {
		fmt.Fprintf(e.stdout, "  admin API:   %s, token in %s; /metrics: %s\n", cfg.Listen, cfg.AdminTokenFile, cfg.MetricsAuth)
		if !cfg.ListenLoopback() {
			fmt.Fprintf(e.stdout, "  warning: listen %s is not loopback: the admin token and the store travel in clear; put TLS in front (reverse proxy: see README, Security) and firewall the port\n", cfg.Listen)
		}
	}
	for _, w := range append(signals.NameWarnings(companies), renderWarnings(cfg)...) {
		fmt.Fprintf(e.stdout, "  warning: %s\n", w)
	}
	return nil
}

func cmdOnce(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "once")
	noSend := fs.Bool("no-send", false, "only store: queue and send nothing (first runs, benchmarks)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(e, *c, appMode{noSend: *noSend})
	if err != nil {
		return err
	}
	defer a.Close()
	stats, err := a.w.Cycle(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d sources: %d polled, %d not modified, %d failed (%d blocked), %d in backoff; %d new items, %d new signals in %s\n",
		stats.Sources, stats.Polled, stats.NotModified, stats.Failed, stats.Blocked, stats.Deferred, stats.NewItems, stats.NewSignals, stats.Duration.Round(time.Millisecond))
	// Every source failing is a broken setup (network, proxy, DNS), not
	// news: a scheduled `once` must not look like it worked.
	allFailed := stats.Polled > 0 && stats.Failed == stats.Polled
	if !*noSend {
		if err := drain(ctx, e, a); err != nil {
			return err
		}
	}
	if allFailed {
		return fmt.Errorf("every source polled failed (%d of %d): see 'veille sources --failing' and the log", stats.Failed, stats.Polled)
	}
	return nil
}

// drain sends what the outbox holds and says what stays there.
func drain(ctx context.Context, e *env, a *app) error {
	if !a.w.Sends() {
		entries, err := a.w.Outbox()
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			fmt.Fprintf(e.stdout, "%d message(s) wait in the outbox: smtp.host is not set\n", len(entries))
		}
		return nil
	}
	sent, failed, err := a.w.DrainOutbox(ctx)
	if err != nil {
		return err
	}
	if sent+failed > 0 {
		fmt.Fprintf(e.stdout, "outbox: %d sent, %d failed (see 'veille outbox')\n", sent, failed)
	}
	if failed > 0 {
		return fmt.Errorf("%d message(s) could not be sent; they stay in the outbox", failed)
	}
	return nil
}

func cmdDigest(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "digest")
	rep := fs.String("rep", "", "only this rep's digest")
	out := fs.String("out", "", "write DIR/<rep>.eml and DIR/<rep>.html previews (records nothing as sent)")
	send := fs.Bool("send", false, "queue the digests in the outbox and send them")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*out == "") == !*send {
		return usageError{"digest: give --out DIR (previews) or --send"}
	}
	if *send {
		a, err := openApp(e, *c, appMode{})
		if err != nil {
			return err
		}
		defer a.Close()
		if err := checkRep(a.cfg, c.config, *rep); err != nil {
			return err
		}
		now := a.w.Now()
		n, err := a.w.QueueDigests(now, *rep)
		if err != nil {
			return err
		}
		if _, err := a.w.QueueSourceReport(now); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d digest(s) queued\n", n)
		return drain(ctx, e, a)
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	if sess.app != nil {
		if err := checkRep(sess.app.cfg, c.config, *rep); err != nil {
			return err
		}
	}
	msgs, err := sess.RenderDigests(ctx, *rep)
	if err != nil {
		return err
	}
	return writePreviews(e, *out, msgs)
}

func checkRep(cfg *config.Config, path, rep string) error {
	if _, ok := cfg.RepByID(rep); rep != "" && !ok {
		return fmt.Errorf("--rep %q: no such rep in %s", rep, path)
	}
	return nil
}

// writePreviews writes each message as DIR/REP.eml and .html, readable by
// the owner only: a digest carries rep addresses and prospect intelligence.
func writePreviews(e *env, dir string, msgs []signals.Message) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	for _, m := range msgs {
		for ext, data := range map[string][]byte{".eml": m.EML, ".html": []byte(m.HTML)} {
			if err := writePrivate(filepath.Join(dir, m.Rep+ext), data); err != nil {
				return fmt.Errorf("write preview: %w", err)
			}
		}
		fmt.Fprintf(e.stdout, "%s: %s (%s)\n", m.Rep, filepath.Join(dir, m.Rep+".eml"), m.Subject)
	}
	if len(msgs) == 0 {
		fmt.Fprintln(e.stdout, "no digest: nothing new for any rep (digest.send_empty is off)")
	}
	return nil
}

// writePrivate writes data to p with mode 0600, also when p exists with a
// wider mode (os.WriteFile keeps an existing file's mode).
func writePrivate(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cmdLeads(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "leads")
	var f watcher.LeadFilter
	fs.StringVar(&f.Rep, "rep", "", "only this rep's leads")
	fs.StringVar(&f.Watchlist, "watchlist", "", "only this watch list")
	tier := fs.String("tier", "", "only this tier: hot, potential or cold")
	format := fs.String("format", "table", "table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	f.Tier = signals.Tier(*tier)
	if *tier != "" && f.Tier != signals.Hot && f.Tier != signals.Potential && f.Tier != signals.Cold {
		return usageError{fmt.Sprintf("--tier %q: use hot, potential or cold", *tier)}
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	leads, err := sess.Leads(ctx, f)
	if err != nil {
		return err
	}
	return printLeads(e.stdout, leads, *format)
}

func cmdSignals(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "signals")
	var f watcher.SignalFilter
	fs.StringVar(&f.Company, "company", "", "only companies whose name contains this")
	fs.StringVar(&f.Watchlist, "watchlist", "", "only this watch list")
	since := fs.String("since", "7d", "only signals first seen within this duration (e.g. 24h, 7d)")
	format := fs.String("format", "table", "table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := config.ParseDuration(*since)
	if err != nil {
		return usageError{"--since: " + err.Error()}
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	f.Since = e.now().Add(-d)
	sigs, err := sess.Signals(ctx, f)
	if err != nil {
		return err
	}
	return printSignals(e.stdout, sigs, *format)
}

func cmdSources(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "sources")
	failing := fs.Bool("failing", false, "only sources whose last fetch failed")
	silent := fs.Bool("silent", false, "only sources that fetch fine and yield nothing (selectors matching nothing, no items any more)")
	format := fs.String("format", "table", "table or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	srcs, err := sess.Sources(ctx, *failing && !*silent)
	if err != nil {
		return err
	}
	if *silent {
		srcs = slices.DeleteFunc(srcs, func(s watcher.SourceView) bool {
			return !(s.State.Silence != "" && s.State.Failures == 0) && !(*failing && s.State.Failures > 0)
		})
	}
	return printSources(e.stdout, srcs, *format)
}

func cmdOutbox(ctx context.Context, e *env, args []string) error {
	action := "list"
	if len(args) > 0 && (args[0] == "list" || args[0] == "retry" || args[0] == "drop") {
		action, args = args[0], args[1:]
	}
	fs, c := commandFlags(e, "outbox "+action)
	all := fs.Bool("all", false, "retry: every message, failed ones included")
	format := fs.String("format", "table", "list: table or json")
	var id uint64
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		n, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("outbox %s: %q is not a message id", action, args[0])}
		}
		id, args = n, args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if action == "drop" && id == 0 {
		return usageError{"outbox drop: give the message id (see 'veille outbox list')"}
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	switch action {
	case "list":
		entries, err := sess.Outbox(ctx)
		if err != nil {
			return err
		}
		return printOutbox(e.stdout, entries, *format)
	case "drop":
		if err := sess.DropOutbox(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "message %d dropped\n", id)
		return nil
	}
	if id != 0 || *all {
		n, err := sess.RetryOutbox(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d message(s) due now\n", n)
	}
	if sess.app == nil {
		fmt.Fprintln(e.stdout, "the running daemon sends due messages within a minute")
	} else if err := drain(ctx, e, sess.app); err != nil {
		return err
	}
	entries, err := sess.Outbox(ctx)
	if err != nil {
		return err
	}
	now := time.Now
	if e.now != nil {
		now = e.now
	}
	return printWaiting(e.stdout, entries, now())
}

func cmdStore(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "backup" && args[0] != "compact") {
		return usageError{"store: use 'store backup --out FILE' or 'store compact'"}
	}
	action, args := args[0], args[1:]
	fs, c := commandFlags(e, "store "+action)
	out := fs.String("out", "", "backup: the copy to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if action == "compact" {
		cfg, err := loadConfig(e, c.config)
		if err != nil {
			return err
		}
		before, after, err := store.Compact(cfg.Store, storeOpenTimeout)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s compacted: %d → %d bytes\n", cfg.Store, before, after)
		return nil
	}
	if *out == "" {
		return usageError{"store backup: give --out FILE"}
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	if err := store.CheckBackupTarget(sess.cfg.Store, *out); err != nil {
		return err
	}
	from := "the running daemon"
	if sess.app != nil {
		from = sess.app.cfg.Store
	}
	n, err := sess.BackupFile(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d bytes copied from %s\n", *out, n, from)
	return nil
}
