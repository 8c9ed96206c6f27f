package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/veille-hq/veille/examples/demo"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

// cmdDemo runs veille's main job on the bundled corpus: serve it on
// loopback, poll it into a temporary store, write the digest previews and
// print the leads. No config, no network, no SMTP.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo")
	out := fs.String("out", "veille-demo", "folder for the digest previews (<rep>.eml, <rep>.html)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	keep := fs.Bool("keep", false, "keep the temporary config and store (their folder is printed)")
	serve := fs.Bool("serve", false, "only serve the corpus, until interrupted, and print a CSV of its companies to try discover --csv, check, once and digest on")
	listen := fs.String("listen", "127.0.0.1:8089", "with --serve: the loopback address to serve on")
	if err := parse(fs, args); err != nil {
		return err
	}
	now := e.now()
	if *serve {
		return serveDemo(ctx, e, *listen, now)
	}
	srv, err := demo.Start(now)
	if err != nil {
		return fmt.Errorf("demo: start the corpus server: %w", err)
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "veille-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if *keep {
		fmt.Fprintf(e.stdout, "demo config and store kept in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	cfgPath := filepath.Join(dir, "veille.yaml")
	if err := os.WriteFile(cfgPath, demo.Config(srv.URL, filepath.Join(dir, "veille.db")), 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	a, err := openApp(e, common{config: cfgPath, logFormat: *logFormat}, appMode{noSend: true}) // the demo never mails anyone
	if err != nil {
		return err
	}
	defer a.Close()
	stats, err := a.w.Cycle(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "demo corpus at %s: %s polled, %s, %s\n", srv.URL, plural(stats.Polled, "source", "sources"), plural(stats.NewItems, "item", "items"), plural(stats.NewSignals, "signal", "signals"))
	if err := printSourceErrors(e, a); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	msgs, err := a.w.RenderDigests(a.w.Now(), "")
	if err != nil {
		return err
	}
	if err := writePreviews(e, *out, msgs); err != nil {
		return err
	}
	leads, err := a.w.Leads(query.LeadFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	if err := printLeads(e.stdout, leads, "table"); err != nil {
		return err
	}
	hot := 0
	for _, l := range leads {
		if l.Tier == signals.Hot {
			hot++
		}
	}
	fmt.Fprintf(e.stdout, "\n%s, %d hot. Open %s in a browser to see the digests.\n", plural(len(leads), "lead", "leads"), hot, filepath.Join(*out, "*.html"))
	return nil
}

// serveDemo serves the corpus on listen until ctx ends, after printing what
// an admin needs to set veille up against it: a CRM export of its companies
// and the news search and BODACC templates that reach it.
func serveDemo(ctx context.Context, e *env, listen string, now time.Time) error {
	srv, err := demo.StartOn(listen, now)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(e.stdout, "demo corpus served at %s (loopback only) until interrupted (Ctrl-C).\n\n", srv.URL)
	fmt.Fprintln(e.stdout, "Its companies, as a CRM export (save as crm.csv, then: veille discover --csv crm.csv --out prospects.yaml):")
	fmt.Fprintln(e.stdout)
	e.stdout.Write(demo.SampleCSV(srv.URL))
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, "Its news search and BODACC, for veille.yaml:")
	fmt.Fprintf(e.stdout, "  news_search: [%q]   # under the watch list\n", demo.NewsSearchTemplate(srv.URL))
	fmt.Fprintf(e.stdout, "  registries: {bodacc: %q}\n", demo.BODACCTemplate(srv.URL))
	<-ctx.Done()
	return nil
}
