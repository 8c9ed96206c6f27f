package main

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usageError{fmt.Sprintf("--format %q: use %s", format, strings.Join(allowed, ", "))}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// whyText is the top n contributions; width > 0 shortens each to fit a table.
func whyText(why []signals.Contribution, n, width int) string {
	var parts []string
	for i, c := range why {
		if i == n {
			break
		}
		what := c.What
		if r := []rune(what); width > 0 && len(r) > width {
			what = string(r[:width-1]) + "…"
		}
		parts = append(parts, fmt.Sprintf("%s %+.0f", what, c.Points))
	}
	return strings.Join(parts, "; ")
}

func trendText(t float64) string {
	switch r := math.Round(t); {
	case r > 0:
		return fmt.Sprintf("▲%+.0f", r)
	case r < 0:
		return fmt.Sprintf("▼%.0f", r)
	}
	return "="
}

// printWaiting says what stays in the outbox after a retry: the messages
// waiting for their next try (and when the first is due), the failed ones.
func printWaiting(w io.Writer, entries []store.OutboxEntry, now time.Time) error {
	waiting, failed, next := 0, 0, time.Time{}
	for _, e := range entries {
		switch {
		case e.Status == store.StatusFailed:
			failed++
		case e.NextTry.After(now):
			waiting++
			if next.IsZero() || e.NextTry.Before(next) {
				next = e.NextTry
			}
		}
	}
	var err error
	if waiting > 0 {
		if waiting == 1 {
			_, err = fmt.Fprintf(w, "1 message waits for its next try, at %s ('veille outbox retry --all' sends it now)\n", dateText(next))
		} else {
			_, err = fmt.Fprintf(w, "%d messages wait for their next try, the first at %s ('veille outbox retry --all' sends them now)\n", waiting, dateText(next))
		}
	}
	if failed > 0 && err == nil {
		_, err = fmt.Fprintf(w, "%s and wait for 'veille outbox retry ID' or '--all'\n", plural(failed, "message failed", "messages failed"))
	}
	if len(entries) == 0 && err == nil {
		_, err = fmt.Fprintln(w, "outbox empty")
	}
	return err
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func printLeads(w io.Writer, leads []signals.Lead, format string) error {
	if err := checkFormat(format, "table", "csv", "json"); err != nil {
		return err
	}
	switch format {
	case "json":
		if leads == nil {
			leads = []signals.Lead{}
		}
		return writeJSON(w, leads)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"company", "crm_id", "watchlist", "owner", "score", "tier", "trend_7d", "fit", "signals", "why", "last_signal_at"})
		for _, l := range leads {
			last := ""
			if !l.LastSignalAt.IsZero() {
				last = l.LastSignalAt.UTC().Format(time.RFC3339)
			}
			cw.Write([]string{csvText(l.Company), csvText(l.CRMID), csvText(l.Watchlist), csvText(l.Owner), ftoa(l.Score), string(l.Tier), ftoa(l.Trend7d), ftoa(l.Fit), strconv.Itoa(l.Signals), csvText(whyText(l.Why, 5, 0)), last})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIER\tSCORE\tTREND\tCOMPANY\tWATCHLIST\tOWNER\tSIGNALS\tLAST SIGNAL\tWHY")
	for _, l := range leads {
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", l.Tier, l.Score, trendText(l.Trend7d), l.Company, l.Watchlist, l.Owner, l.Signals, dateText(l.LastSignalAt), whyText(l.Why, 3, 48))
	}
	return tw.Flush()
}

// csvText neutralises a text cell a spreadsheet would run as a formula (the
// OWASP rule: a leading = + - @ tab or CR gets a single quote in front).
// Titles and company names come from scraped content. Numeric columns are
// written as they are, so a negative trend stays a number.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func labelText(ls []signals.Label) string {
	if len(ls) == 0 {
		return "none"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, ",")
}

// signalJSON is the documented shape of `veille signals --format json`.
type signalJSON struct {
	Company     string                               `json:"company"`
	Watchlist   string                               `json:"watchlist"`
	Title       string                               `json:"title"`
	URL         string                               `json:"url"`
	Source      string                               `json:"source"`
	Sources     []signals.SourceRef                  `json:"sources"`
	PublishedAt *time.Time                           `json:"published_at"`
	FirstSeenAt time.Time                            `json:"first_seen_at"`
	Labels      []signals.Label                      `json:"labels"`
	Evidence    map[signals.Label][]signals.Evidence `json:"evidence"`
	Points      float64                              `json:"points"`
}

func printSignals(w io.Writer, sigs []query.SignalView, format string) error {
	if err := checkFormat(format, "table", "csv", "json"); err != nil {
		return err
	}
	switch format {
	case "json":
		out := make([]signalJSON, 0, len(sigs))
		for _, s := range sigs {
			var refs []signals.SourceRef // the source is a configured URL, maybe with credentials
			for _, r := range s.Sources {
				refs = append(refs, signals.SourceRef{Source: signals.RedactURL(r.Source), URL: r.URL})
			}
			j := signalJSON{Company: s.Company, Watchlist: s.Watchlist, Title: s.Title, URL: s.URL, Source: signals.RedactURL(s.Source), Sources: refs,
				FirstSeenAt: s.FirstSeen, Labels: s.Labels, Evidence: s.Evidence, Points: s.Points}
			if !s.Published.IsZero() {
				p := s.Published
				j.PublishedAt = &p
			}
			if j.Labels == nil {
				j.Labels = []signals.Label{}
			}
			out = append(out, j)
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"first_seen_at", "company", "watchlist", "labels", "points", "title", "url", "sources"})
		for _, s := range sigs {
			cw.Write([]string{s.FirstSeen.UTC().Format(time.RFC3339), csvText(s.Company), csvText(s.Watchlist), labelText(s.Labels), ftoa(s.Points), csvText(s.Title), csvText(s.URL), strconv.Itoa(len(s.Sources) + s.MoreOutlets)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIRST SEEN\tCOMPANY\tLABELS\tPOINTS\tSOURCES\tTITLE")
	for _, s := range sigs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%+.1f\t%d\t%s\n", dateText(s.FirstSeen), s.Company, labelText(s.Labels), s.Points, len(s.Sources)+s.MoreOutlets, s.Title)
	}
	return tw.Flush()
}

func printSources(w io.Writer, srcs []query.SourceView, format string) error {
	if err := checkFormat(format, "table", "json"); err != nil {
		return err
	}
	// A source URL may carry credentials (user:password@, ?token=): they
	// are redacted, in the errors stored before redaction existed too.
	redacted := make([]query.SourceView, len(srcs))
	for i, s := range srcs {
		s.URL = signals.RedactURL(s.URL)
		s.State.FeedURL = signals.RedactURL(s.State.FeedURL)
		s.State.LastError = signals.RedactText(s.State.LastError)
		redacted[i] = s
	}
	if format == "json" {
		return writeJSON(w, redacted)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tURL\tLAST SUCCESS\tFAILURES\tNEXT TRY\tSILENT SINCE\tLAST ERROR")
	for _, s := range redacted {
		errText := "-"
		switch {
		case s.State.Failures > 0:
			errText = fmt.Sprintf("[%s] %s", s.State.ErrorKind, s.State.LastError)
		case s.State.Silence == signals.SilenceSelector:
			errText = "[silent] selectors match nothing: " + s.State.SilentWhat
		case s.State.Silence == signals.SilenceEmpty:
			errText = "[silent] no items any more (last on " + dateText(s.State.LastYield) + ")"
		}
		silent := "-"
		if s.State.Silence != "" && s.State.Failures == 0 {
			silent = dateText(s.State.SilentSince)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", s.Kind, s.URL, dateText(s.State.LastSuccess), s.State.Failures, dateText(s.State.NextTry), silent, errText)
	}
	return tw.Flush()
}

func printOutbox(w io.Writer, entries []store.OutboxEntry, format string) error {
	if err := checkFormat(format, "table", "json"); err != nil {
		return err
	}
	if format == "json" {
		type row struct {
			ID        uint64    `json:"id"`
			Kind      string    `json:"kind"`
			Transport string    `json:"transport"` // email or webhook
			Rep       string    `json:"rep"`
			To        []string  `json:"to"`
			Subject   string    `json:"subject"`
			Status    string    `json:"status"`
			Attempts  int       `json:"attempts"`
			Created   time.Time `json:"created"`
			NextTry   time.Time `json:"next_try"`
			LastError string    `json:"last_error"`
		}
		out := []row{}
		for _, e := range entries {
			out = append(out, row{e.ID, e.Message.Kind, cmp.Or(e.Message.Transport, "email"), e.Message.Rep, e.Message.To, e.Message.Subject, e.Status, e.Attempts, e.Created, e.NextTry, e.LastError})
		}
		return writeJSON(w, out)
	}
	if len(entries) == 0 {
		_, err := fmt.Fprintln(w, "outbox empty")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tREP\tSTATUS\tATTEMPTS\tNEXT TRY\tSUBJECT\tLAST ERROR")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", e.ID, e.Message.Kind, e.Message.Rep, e.Status, e.Attempts, dateText(e.NextTry), e.Message.Subject, e.LastError)
	}
	return tw.Flush()
}
