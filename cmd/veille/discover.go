package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
)

// sourceCommands are the commands that help set sources up.
func sourceCommands() map[string]command {
	return map[string]command{
		"discover":    {"find a site's feeds, or propose selectors for its news page", cmdDiscover},
		"test-source": {"fetch a prospect's sources (or a URL with selectors) once: items and signals, nothing stored", cmdTestSource},
	}
}

// cmdDiscover prints the feeds a site has or, when it has none, the
// selectors that read its news page, ready to paste into veille.yaml.
func cmdDiscover(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "discover")
	cfgPath := fs.String("c", "", "config file whose fetch settings (contact, timeout, pace, allowed private ranges) to use")
	interval := fs.Duration("interval", time.Second, "spacing between two requests to the site (without -c)")
	timeout := fs.Duration("timeout", 20*time.Second, "per request (without -c)")
	contact := fs.String("contact", "", "URL or email put in the User-Agent (without -c)")
	render := fs.Bool("render", true, "when the HTML holds no news blocks, render the pages with Chromium (if installed) and look again")
	csvPath := fs.String("csv", "", "a CRM export (name, site or domain, siren…): discover every row's site and write a prospects: list")
	out := fs.String("out", "", "with --csv: write the prospects list to this file rather than stdout")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	var site string
	if fs.NArg() > 0 {
		site = fs.Arg(0)
		if err := parse(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	switch {
	case *csvPath != "" && site != "":
		return usageError{"discover: give a URL or --csv FILE, not both"}
	case *csvPath == "" && site == "":
		return usageError{"discover: missing URL (or --csv FILE)"}
	case *out != "" && *csvPath == "":
		return usageError{"discover: --out goes with --csv"}
	}
	var f *sources.Fetcher
	if *cfgPath != "" {
		cfg, err := loadConfig(e, *cfgPath)
		if err != nil {
			return err
		}
		f = fetcher(cfg)
	} else {
		f = sources.NewFetcher(sources.Options{Timeout: *timeout, PerHostInterval: *interval, Robots: true, Contact: *contact,
			Version: buildVersion(), Concurrency: 1, Renderer: newBrowser()})
	}
	defer f.EndCycle()
	if *csvPath != "" {
		return discoverCSV(ctx, e, f, *csvPath, *out, sources.DiscoverOptions{Render: *render})
	}
	dis, err := f.Discover(ctx, site, sources.DiscoverOptions{Render: *render})
	if err != nil {
		return fmt.Errorf("discover %s: %w", signals.RedactURL(site), err)
	}
	return printDiscovery(e.stdout, dis)
}

// parseWithArg parses flags around one positional argument (before or
// after them) and returns it.
func parseWithArg(fs *flag.FlagSet, args []string, name string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		return "", usageError{fmt.Sprintf("%s: missing %s", fs.Name(), name)}
	}
	arg := fs.Arg(0)
	if err := parse(fs, fs.Args()[1:]); err != nil {
		return "", err
	}
	return arg, nil
}

func printDiscovery(w io.Writer, dis sources.Discovery) error {
	fmt.Fprintf(w, "site: %s\n", dis.URL)
	if len(dis.Advertised) > 0 {
		fmt.Fprintf(w, "feeds the page names: %s\n", strings.Join(dis.Advertised, ", "))
	}
	if len(dis.Tried) > 0 {
		fmt.Fprintln(w, "tried:")
		for _, t := range dis.Tried {
			fmt.Fprintf(w, "  %-50s %s\n", t.URL, t.Result)
		}
	}
	if len(dis.Feeds) > 0 {
		fmt.Fprintf(w, "\n%d feed(s) found. Paste under the prospect in veille.yaml (or set site: %s and veille finds it):\n\n", len(dis.Feeds), dis.URL)
		fmt.Fprintln(w, "feeds:")
		for _, f := range dis.Feeds {
			fmt.Fprintf(w, "  - %q   # %d items\n", f.URL, f.Items)
		}
		return nil
	}
	if len(dis.Pages) == 0 {
		fmt.Fprintln(w, "\nno feed, and no repeated block of dated links on the page nor on the news pages it links to.")
		return errors.New("nothing found: give the URL of the news page itself (if a script writes its news, install Chromium so discover can render it)")
	}
	best := dis.Pages[0]
	fmt.Fprintf(w, "\nno feed found. The news page %s repeats %d blocks of dated links (%d read with a title, a link and a date).\n", dis.NewsPage, best.Blocks, best.Dated)
	fmt.Fprintln(w, "Paste under the prospect in veille.yaml:")
	fmt.Fprintln(w, "\npages:")
	fmt.Fprintf(w, "  %s\n", best.YAML(dis.NewsPage))
	fmt.Fprintln(w, "\nfirst items it yields:")
	for _, it := range best.Items[:min(len(best.Items), 5)] {
		date := "          "
		if !it.Published.IsZero() {
			date = it.Published.Format("2006-01-02")
		}
		fmt.Fprintf(w, "  %s  %s\n  %s  %s\n", date, it.Title, strings.Repeat(" ", 10), it.URL)
	}
	if len(dis.Pages) > 1 {
		fmt.Fprintln(w, "\nother proposals, less likely:")
		for _, p := range dis.Pages[1:] {
			fmt.Fprintf(w, "  %s   # %d dated of %d blocks, score %.1f\n", p.YAML(dis.NewsPage), p.Dated, p.Blocks, p.Score)
		}
	}
	fmt.Fprintln(w, "\nCheck it with: veille test-source -c veille.yaml --prospect NAME")
	return nil
}
