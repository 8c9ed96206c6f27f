package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

func cmdCheck(_ context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "check")
	strict := fs.Bool("strict", false, "warnings are errors too: exit 1 when there is any (CI)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, c.config)
	if err != nil {
		return err
	}
	if problems := cfg.StoreProblems(); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		fmt.Fprintf(e.stderr, "%s: %s; fix it and run 'veille check -c %s'\n", c.config, plural(len(problems), "problem", "problems"), c.config)
		return errSilent
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
	fmt.Fprintf(e.stdout, "  sources:     %s (%d shared, %s), %s, %s, %s to autodiscover, %s\n",
		plural(byKind[signals.KindFeed], "feed", "feeds"), shared-plan.SearchSources(), plural(plan.SearchSources(), "news search", "news searches"),
		plural(byKind[signals.KindPage], "page", "pages"), plural(byKind[signals.KindChanges], "change watch", "change watches"),
		plural(byKind[signals.KindSite], "site", "sites"), plural(byKind[signals.KindBODACC], "BODACC query", "BODACC queries"))
	fmt.Fprintf(e.stdout, "  store:       %s\n", cfg.Store)
	fmt.Fprintf(e.stdout, "  poll:        %s (%s); digest: %s\n", cfg.Poll, cfg.Timezone, cfg.Digest.Schedule)
	if cfg.SMTP.Host == "" {
		fmt.Fprintln(e.stdout, "  smtp:        not configured (previews only)")
	} else {
		fmt.Fprintf(e.stdout, "  smtp:        %s:%d (%s)\n", cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS)
	}
	var warnings []string
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
			warnings = append(warnings, fmt.Sprintf("listen %s is not loopback: the admin token and the store travel in clear; put TLS in front (reverse proxy: see README, Security) and firewall the port", cfg.Listen))
		}
	}
	if cfg.Public() {
		fmt.Fprintf(e.stdout, "  reps' links: %s, served on %s; links live %s; secret in %s\n", cfg.PublicURL, cfg.PublicListen, cfg.PublicLinkTTL, cfg.PublicSecretFile)
		if cfg.PublicInClear() {
			warnings = append(warnings, fmt.Sprintf("public_url %s is http: the links, which act for the reps, travel in clear; use https (reverse proxy: see README, Feedback and web view)", cfg.PublicURL))
		}
	} else {
		fmt.Fprintln(e.stdout, "  reps' links: off (public_url and public_listen are empty)")
	}
	for _, p := range cfg.Warnings() {
		warnings = append(warnings, p.Error())
	}
	warnings = append(warnings, signals.NameWarnings(companies)...)
	warnings = append(warnings, renderWarnings(cfg)...)
	for _, w := range warnings {
		fmt.Fprintf(e.stdout, "  warning: %s\n", w)
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(e.stderr, "%s: %s and --strict\n", c.config, plural(len(warnings), "warning", "warnings"))
		return errSilent
	}
	return nil
}

func cmdOnce(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "once")
	noSend := fs.Bool("no-send", false, "only store: queue and send nothing (first runs, benchmarks)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to `FILE` (go tool pprof reads it)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
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
	fmt.Fprintf(e.stdout, "%s: %d polled, %d not modified, %d failed (%d blocked), %d in backoff; %s, %s in %s\n",
		plural(stats.Sources, "source", "sources"), stats.Polled, stats.NotModified, stats.Failed, stats.Blocked, stats.Deferred,
		plural(stats.NewItems, "new item", "new items"), plural(stats.NewSignals, "new signal", "new signals"), stats.Duration.Round(time.Millisecond))
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
	if !a.out.Sends() {
		return nil
	}
	if a.cfg.SMTP.Host == "" {
		entries, err := a.w.Outbox()
		if err != nil {
			return err
		}
		emails := 0
		for _, en := range entries {
			if en.Message.Transport == "" {
				emails++
			}
		}
		if emails > 0 {
			fmt.Fprintf(e.stdout, "%s in the outbox: smtp.host is not set\n", plural(emails, "message waits", "messages wait"))
		}
	}
	sent, failed, err := a.out.Drain(ctx)
	if err != nil {
		return err
	}
	if sent+failed > 0 {
		fmt.Fprintf(e.stdout, "outbox: %d sent, %d failed (see 'veille outbox')\n", sent, failed)
	}
	if failed > 0 {
		if failed == 1 {
			return errors.New("1 message could not be sent; it stays in the outbox")
		}
		return fmt.Errorf("%d messages could not be sent; they stay in the outbox", failed)
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
		sess, err := openSession(e, *c)
		if err != nil {
			return err
		}
		defer sess.Close()
		if err := checkRep(sess.cfg, c.config, *rep); err != nil {
			return err
		}
		n, err := sess.SendDigests(ctx, *rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s queued\n", plural(n, "digest", "digests"))
		if sess.app == nil {
			fmt.Fprintln(e.stdout, "the running daemon sends them now ('veille outbox' lists what waits)")
			return nil
		}
		return drain(ctx, e, sess.app)
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
		ids := make([]string, len(cfg.Reps))
		for i, r := range cfg.Reps {
			ids[i] = r.ID
		}
		return fmt.Errorf("--rep %q: no such rep in %s%s", rep, path, knownIDs(ids))
	}
	return nil
}

// checkWatchlist refuses a --watchlist the config does not define: an
// empty table would read as "no leads there".
func checkWatchlist(cfg *config.Config, path, id string) error {
	if id == "" {
		return nil
	}
	ids := make([]string, len(cfg.Watchlists))
	for i, w := range cfg.Watchlists {
		if w.ID == id {
			return nil
		}
		ids[i] = w.ID
	}
	return fmt.Errorf("--watchlist %q: no such watch list in %s%s", id, path, knownIDs(ids))
}

// knownIDs lists the ids an unknown one could have been, for its error.
func knownIDs(ids []string) string {
	if len(ids) == 0 {
		return " (it defines none)"
	}
	return " (known: " + strings.Join(ids, ", ") + ")"
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
	var f query.LeadFilter
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
	if err := checkWatchlist(sess.cfg, c.config, f.Watchlist); err != nil {
		return err
	}
	if err := checkRep(sess.cfg, c.config, f.Rep); err != nil {
		return err
	}
	leads, err := sess.Leads(ctx, f)
	if err != nil {
		return err
	}
	return printLeads(e.stdout, leads, *format)
}

func cmdSignals(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "signals")
	var f query.SignalFilter
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
	if err := checkWatchlist(sess.cfg, c.config, f.Watchlist); err != nil {
		return err
	}
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
		srcs = slices.DeleteFunc(srcs, func(s query.SourceView) bool {
			return !(s.State.Silence != "" && s.State.Failures == 0) && !(*failing && s.State.Failures > 0)
		})
	}
	return printSources(e.stdout, srcs, *format)
}

func cmdOutbox(ctx context.Context, e *env, args []string) error {
	action, name := "list", "outbox"
	if len(args) > 0 && (args[0] == "list" || args[0] == "retry" || args[0] == "drop") {
		action, args = args[0], args[1:]
		name += " " + action
	}
	fs, c := commandFlags(e, name)
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
		fmt.Fprintf(e.stdout, "%s due now\n", plural(n, "message", "messages"))
	}
	if sess.app == nil {
		fmt.Fprintln(e.stdout, "the running daemon sends due messages within a minute, those made due now at once")
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
	if len(args) > 0 && isHelp(args[0]) {
		fs := newFlags(e, "store")
		fs.Usage()
		return flag.ErrHelp
	}
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
