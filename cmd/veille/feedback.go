package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

func cmdFeedback(ctx context.Context, e *env, args []string) error {
	fs, c := commandFlags(e, "feedback")
	format := fs.String("format", "csv", "csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "csv", "json"); err != nil {
		return err
	}
	sess, err := openSession(e, *c)
	if err != nil {
		return err
	}
	defer sess.Close()
	fbs, err := sess.Feedback(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		if fbs == nil {
			fbs = []signals.Feedback{}
		}
		return writeJSON(e.stdout, fbs)
	}
	return writeFeedbackCSV(e.stdout, fbs)
}

// writeFeedbackCSV writes one row per feedback, newest first: who said
// what of which news, with the outlet and the classifier's evidence, so an
// admin sees which sources and phrases mislead.
func writeFeedbackCSV(w io.Writer, fbs []signals.Feedback) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"time", "rep", "action", "watchlist", "company", "title", "url", "source", "labels", "evidence"})
	for _, f := range fbs {
		labels := ""
		if f.Kind.OnSignal() {
			labels = labelText(f.Labels)
		}
		// Text from feeds and config goes through csvText: a scraped title
		// such as =HYPERLINK(...) must not run in a spreadsheet.
		cw.Write([]string{
			f.At.UTC().Format(time.RFC3339), csvText(f.Rep), string(f.Kind), csvText(f.Watchlist), csvText(f.Company),
			csvText(f.Title), csvText(f.URL), csvText(f.Source), labels, csvText(evidenceText(f.Evidence)),
		})
	}
	cw.Flush()
	return cw.Error()
}

// evidenceText is "label: term (field); ...", labels in order.
func evidenceText(ev map[signals.Label][]signals.Evidence) string {
	var parts []string
	for _, l := range slices.Sorted(maps.Keys(ev)) {
		for _, e := range ev[l] {
			parts = append(parts, fmt.Sprintf("%s: %s (%s)", l, e.Term, e.Field))
		}
	}
	return strings.Join(parts, "; ")
}
