package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// cmdRescan matches and classifies the stored items again with the config
// as it is now, through the daemon when it holds the store.
func cmdRescan(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "rescan")
	since := fs.String("since", "30d", "the items first seen within this duration (e.g. 7d, 400d)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "text", "json"); err != nil {
		return err
	}
	d, err := config.ParseDuration(*since)
	if err != nil || d <= 0 {
		return usageError{fmt.Sprintf("--since %q: give a duration such as 30d", *since)}
	}
	sess, err := openSession(e, *c)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w; a daemon without the admin API (listen is empty) rescans by itself when a reload changes names, aliases, exclude, keywords, terms or the lexicon: send it SIGHUP, or stop it to run 'veille rescan'", err)
	}
	if err != nil {
		return err
	}
	defer sess.Close()
	now := time.Now
	if e.now != nil {
		now = e.now
	}
	r, err := sess.Rescan(ctx, now().Add(-d))
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(e.stdout, r)
	}
	return printRescan(e.stdout, r)
}

// printRescan says what a rescan changed: the signals dropped, added and
// relabelled, then the scores that moved.
func printRescan(w io.Writer, r query.RescanReport) error {
	fmt.Fprintf(w, "%d stored items first seen since %s matched and classified again\n", r.Items, r.Since.Format(time.DateOnly))
	if !r.Changed() {
		_, err := fmt.Fprintln(w, "no signal changed")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tCOMPANY\tWATCHLIST\tLABELS\tTITLE")
	for _, g := range []struct {
		what string
		list []query.SignalChange
	}{{"dropped", r.Dropped}, {"added", r.Added}, {"relabelled", r.Relabelled}} {
		for _, sc := range g.list {
			labels := labelList(sc.Labels)
			if g.what == "relabelled" {
				labels = labelList(sc.LabelsBefore) + " → " + labels
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", g.what, sc.Company, sc.Watchlist, labels, sc.Title)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Scores) == 0 {
		_, err := fmt.Fprintln(w, "no score changed")
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPANY\tWATCHLIST\tSCORE\tTIER")
	for _, s := range r.Scores {
		tier := string(s.TierAfter)
		if s.TierBefore != s.TierAfter {
			tier = string(s.TierBefore) + " → " + tier
		}
		fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%s\n", s.Company, s.Watchlist, fmtScore(s.Before), fmtScore(s.After), tier)
	}
	return tw.Flush()
}

func labelList(ls []signals.Label) string {
	if len(ls) == 0 {
		return "-"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, ",")
}

func fmtScore(v float64) string { return fmt.Sprintf("%.1f", v) }
