package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
)

// discoverWorkers is how many sites batch discovery reads at once; the
// fetcher still spaces requests to one host.
const discoverWorkers = 4

// csvRow is one prospect of the CRM export and what discovery found.
type csvRow struct {
	p     config.Prospect
	site  string
	dis   sources.Discovery
	found bool
	why   string // when nothing was found
}

// discoverCSV discovers the site of every row of a CRM export and writes a
// YAML prospects: list with feeds and pages filled. YAML rather than CSV:
// the prospects CSV has no column for page selectors, and veille.yaml
// loads the list as it is under a watch list.
func discoverCSV(ctx context.Context, e *env, f *sources.Fetcher, path, outPath string, o sources.DiscoverOptions) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("discover --csv: %w", err)
	}
	ps, probs := config.ParseProspectsCSV(path, data)
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "%s (row skipped)\n", p.Error())
	}
	if len(ps) == 0 {
		return fmt.Errorf("discover --csv %s: no prospect read: the file needs a header row with a name column and a site or domain column", path)
	}
	rows := make([]csvRow, len(ps))
	for i, p := range ps {
		rows[i] = csvRow{p: p, site: siteOf(p)}
	}
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range min(discoverWorkers, len(rows)) {
		wg.Go(func() {
			for i := range next {
				discoverRow(ctx, f, &rows[i], o)
				mu.Lock()
				done++
				fmt.Fprintf(e.stderr, "[%d/%d] %s: %s\n", done, len(rows), rows[i].p.Name, rowResult(rows[i]))
				mu.Unlock()
			}
		})
	}
feed:
	for i := range rows {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("discover --csv: stopped: %w", err)
	}

	w := e.stdout
	var file *os.File
	if outPath != "" {
		if file, err = os.Create(outPath); err != nil {
			return fmt.Errorf("discover --csv: %w", err)
		}
		w = file
	}
	writeProspectsYAML(w, path, rows)
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("discover --csv: write %s: %w", outPath, err)
		}
	}
	found := 0
	var missed []string
	for _, r := range rows {
		if r.found {
			found++
		} else {
			missed = append(missed, fmt.Sprintf("  %s: %s", r.p.Name, r.why))
		}
	}
	fmt.Fprintf(e.stderr, "\n%d of %s with a feed or a news page", found, plural(len(rows), "prospect", "prospects"))
	if outPath != "" {
		fmt.Fprintf(e.stderr, ", written to %s", outPath)
	}
	fmt.Fprintln(e.stderr, ".")
	if len(missed) > 0 {
		fmt.Fprintln(e.stderr, "Nothing found for these (their site is kept: veille retries discovery at each poll; news searches and BODACC still cover them):")
		fmt.Fprintln(e.stderr, strings.Join(missed, "\n"))
	}
	return nil
}

// siteOf is the URL discovery starts from: the site column, else the domain.
func siteOf(p config.Prospect) string {
	switch {
	case p.Site != "":
		if !strings.Contains(p.Site, "://") {
			return "https://" + p.Site
		}
		return p.Site
	case p.Domain != "":
		return "https://" + p.Domain + "/"
	}
	return ""
}

func discoverRow(ctx context.Context, f *sources.Fetcher, r *csvRow, o sources.DiscoverOptions) {
	if len(r.p.Feeds) > 0 || len(r.p.Pages) > 0 {
		r.found, r.why = true, "feeds given in the CSV"
		return
	}
	if r.site == "" {
		r.why = "no site nor domain column for this row"
		return
	}
	dis, err := f.Discover(ctx, r.site, o)
	if err != nil {
		r.why = shortErr(err) // it names the URL
		return
	}
	r.dis = dis
	switch {
	case len(dis.Feeds) > 0 || len(dis.Pages) > 0:
		r.found = true
	default:
		r.why = "no feed, and no repeated block of dated links on " + signals.RedactURL(r.site) + " nor the news pages it links to"
	}
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func rowResult(r csvRow) string {
	switch {
	case len(r.p.Feeds) > 0 || len(r.p.Pages) > 0:
		return "sources given in the CSV"
	case len(r.dis.Feeds) > 0:
		return plural(len(r.dis.Feeds), "feed", "feeds")
	case len(r.dis.Pages) > 0:
		if r.dis.Pages[0].Spec.Render != "" {
			return "news page " + r.dis.NewsPage + " (rendered with Chromium)"
		}
		return "news page " + r.dis.NewsPage
	}
	return "nothing found: " + r.why
}

// writeProspectsYAML writes the rows as prospects: entries, with the
// columns the CSV had, ready to paste under a watch list.
func writeProspectsYAML(w io.Writer, csvPath string, rows []csvRow) {
	fmt.Fprintf(w, "# veille discover --csv %s: paste under a watch list of veille.yaml\n", csvPath)
	fmt.Fprintln(w, "prospects:")
	for _, r := range rows {
		p := r.p
		fmt.Fprintf(w, "  - name: %s\n", q(p.Name))
		str := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "    %s: %s\n", k, q(v))
			}
		}
		list := func(k string, vs []string) {
			if len(vs) > 0 {
				fmt.Fprintf(w, "    %s: [%s]\n", k, strings.Join(mapQ(vs), ", "))
			}
		}
		str("crm_id", p.CRMID)
		list("aliases", p.Aliases)
		str("domain", p.Domain)
		str("siren", p.SIREN)
		str("owner", p.Owner)
		list("exclude", p.Exclude)
		if len(p.Fields) > 0 {
			fmt.Fprintln(w, "    fields:")
			keys := make([]string, 0, len(p.Fields))
			for k := range p.Fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "      %s: %s\n", q(k), q(p.Fields[k]))
			}
		}
		switch {
		case len(p.Feeds) > 0:
			str("site", p.Site)
			list("feeds", p.Feeds)
		case len(r.dis.Feeds) > 0:
			fmt.Fprintln(w, "    feeds:")
			for _, f := range r.dis.Feeds {
				fmt.Fprintf(w, "      - %s   # %s\n", q(f.URL), plural(f.Items, "item", "items"))
			}
		case len(r.dis.Pages) > 0:
			fmt.Fprintln(w, "    pages:")
			fmt.Fprintf(w, "      %s\n", r.dis.Pages[0].YAML(r.dis.NewsPage))
		default:
			// Kept so that veille retries discovery at each poll.
			str("site", r.site)
		}
	}
}

// q writes s as a YAML double-quoted scalar; Go's quoting escapes are a
// subset of YAML's.
func q(s string) string { return strconv.Quote(s) }

func mapQ(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = q(v)
	}
	return out
}
