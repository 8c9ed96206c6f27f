package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
)

// cmdTestSource fetches a prospect's sources, or one URL with selectors,
// once and prints the items and the signals a cycle would make of them.
// The store is not opened: nothing is recorded.
func cmdTestSource(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "test-source")
	cfgPath := fs.String("c", "", "config file: its fetch settings, prospects and classifiers")
	prospect := fs.String("prospect", "", "the prospect whose sources to fetch (needs -c); with --url, whose source the URL is")
	rawURL := fs.String("url", "", "a URL to fetch instead: a feed or site, or a page with --item (or --select)")
	var spec signals.PageSpec
	fs.StringVar(&spec.Item, "item", "", "--url: selector of one news item")
	fs.StringVar(&spec.Title, "title", "", "--url: selector of the title in an item")
	fs.StringVar(&spec.Link, "link", "", "--url: selector of the link in an item (sel@attr takes an attribute)")
	fs.StringVar(&spec.Date, "date", "", "--url: selector of the date in an item")
	fs.StringVar(&spec.Summary, "summary", "", "--url: selector of the summary in an item")
	fs.StringVar(&spec.Select, "select", "", "--url: change mode: selector of the elements compared between visits")
	fs.StringVar(&spec.Render, "render", "", "--url: chromium to render the page with a headless browser first")
	limit := fs.Int("limit", 20, "items shown per source")
	interval := fs.Duration("interval", time.Second, "spacing between two requests to a host (without -c)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *prospect == "" && *rawURL == "" {
		return usageError{"test-source: give --prospect NAME (with -c) or --url URL"}
	}
	if *prospect != "" && *cfgPath == "" {
		return usageError{"test-source: --prospect needs the config: -c veille.yaml"}
	}
	if spec.Render != "" && spec.Render != signals.RenderChromium {
		return usageError{fmt.Sprintf("test-source: --render %q: only chromium", spec.Render)}
	}
	var pl *plan.Plan
	var f *sources.Fetcher
	var closeFetcher func()
	if *cfgPath != "" {
		cfg, err := loadConfig(e, *cfgPath)
		if err != nil {
			return err
		}
		if pl, err = buildPlan(cfg); err != nil {
			return err
		}
		f, closeFetcher = pageFetcher(cfg)
	} else {
		f, closeFetcher = defaultFetcher(*interval)
	}
	defer closeFetcher()

	var srcs []plan.Source
	switch {
	case *rawURL != "":
		kind := signals.KindSite
		switch {
		case spec.Select != "":
			kind = signals.KindChanges
		case spec.Item != "":
			kind = signals.KindPage
		}
		src := plan.Source{Source: signals.NewSource(kind, *rawURL, spec), Shared: true}
		if *prospect != "" {
			src.Owners, src.Shared = pl.LeadKeysNamed(*prospect), false
			if len(src.Owners) == 0 {
				return fmt.Errorf("no prospect named %q in %s", *prospect, *cfgPath)
			}
		}
		srcs = append(srcs, src)
	default:
		var ok bool
		srcs, ok = pl.ProspectSources(*prospect)
		if !ok {
			return fmt.Errorf("no prospect named %q in %s", *prospect, *cfgPath)
		}
		if len(srcs) == 0 {
			return fmt.Errorf("%s has no source in %s: add feeds, a site or pages (veille discover URL finds them)", *prospect, *cfgPath)
		}
	}
	failed := 0
	for i, src := range srcs {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if !trySource(ctx, e.stdout, f, pl, src, *limit, e.now()) {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d source(s) failed", failed, len(srcs))
	}
	return nil
}

// trySource fetches src once from a blank state and prints what came of
// it; it reports whether the fetch succeeded.
func trySource(ctx context.Context, w io.Writer, f *sources.Fetcher, pl *plan.Plan, src plan.Source, limit int, now time.Time) bool {
	fmt.Fprintf(w, "%s %s", src.Kind, signals.RedactURL(src.URL))
	switch {
	case src.Search:
		fmt.Fprint(w, " (news search: items count for the prospects they name)")
	case src.Shared && pl != nil:
		fmt.Fprint(w, " (shared: items count for the prospects they name)")
	}
	fmt.Fprintln(w)
	res, st, err := f.Fetch(ctx, src.Source, signals.SourceState{})
	if err != nil {
		fmt.Fprintf(w, "  failed [%s]: %s\n", cmp.Or(string(st.ErrorKind), "error"), signals.RedactText(err.Error()))
		return false
	}
	fmt.Fprintf(w, "  status %d, %d item(s)", res.Status, len(res.Items))
	if st.FeedURL != "" && st.FeedURL != src.URL {
		fmt.Fprintf(w, " from the feed %s", signals.RedactURL(st.FeedURL))
	}
	fmt.Fprintln(w)
	if len(res.Yield.Unmatched) > 0 {
		fmt.Fprintf(w, "  warning: selectors match nothing: %s\n", strings.Join(res.Yield.Unmatched, ", "))
	}
	if src.Kind == signals.KindChanges {
		fmt.Fprintf(w, "  %d element(s) selected: the first visit records them, later visits report what changed\n", len(st.Baseline))
		for _, b := range st.Baseline[:min(len(st.Baseline), limit)] {
			fmt.Fprintf(w, "    %s\n", b)
		}
		return true
	}
	for _, it := range res.Items[:min(len(res.Items), limit)] {
		date := "(no date)  "
		if !it.Published.IsZero() {
			date = it.Published.Format("2006-01-02") + "  "
		}
		fmt.Fprintf(w, "  %s%s\n  %12s%s\n", date, cmp.Or(it.Title, "(no title)"), "", cmp.Or(it.URL, "(no link)"))
		if pl == nil {
			continue
		}
		for _, s := range pl.Trial(src, it, now) {
			fmt.Fprintf(w, "  %12s→ %s: %s\n", "", s.Company, trialText(s))
		}
	}
	if len(res.Items) > limit {
		fmt.Fprintf(w, "  … %d more (--limit)\n", len(res.Items)-limit)
	}
	return true
}

// trialText is a signal's labels with their evidence, or why there is none.
func trialText(s plan.TrialSignal) string {
	var parts []string
	labels := s.Labels
	if len(labels) == 0 {
		labels = slices.Sorted(maps.Keys(s.Evidence))
	}
	for _, l := range labels {
		var terms []string
		for _, ev := range s.Evidence[l] {
			terms = append(terms, fmt.Sprintf("%q in the %s", ev.Term, ev.Field))
		}
		p := string(l)
		if len(terms) > 0 {
			p += " (" + strings.Join(terms, ", ") + ")"
		}
		parts = append(parts, p)
	}
	out := strings.Join(parts, "; ")
	if out == "" {
		out = "about the company, no signal"
	}
	if s.Term != "" {
		out += fmt.Sprintf(" [named as %q]", s.Term)
	}
	if s.Backlog {
		out += " [backlog: older than the first fetch, stored without alert]"
	}
	return out
}
