// Command preview writes the HTML of every message kind, in French and
// English, rendered from the fixed data of package sample: what
// notify/preview.sh screenshots with headless Chromium. It needs no config,
// store, network or classifier.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/notify/internal/sample"
	"github.com/veille-hq/veille/signals"
)

func main() {
	out := flag.String("out", "preview", "directory to write the .html files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	r, err := notify.NewRenderer(notify.Options{From: "Veille <veille@example.com>"})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, lang := range []string{"fr", "en"} {
		d := sample.Digest(lang)
		kinds := map[string]func() (signals.Message, error){
			"digest": func() (signals.Message, error) { return r.Digest(d) },
			"alert": func() (signals.Message, error) {
				return r.Alerts(signals.Alerts{Rep: d.Rep, At: d.At, Leads: d.Leads[:1]})
			},
			"health": func() (signals.Message, error) { return r.SourceReport(sample.SourceReport(), lang) },
		}
		for kind, render := range kinds {
			m, err := render()
			if err != nil {
				return err
			}
			path := filepath.Join(dir, kind+"."+lang+".html")
			if err := os.WriteFile(path, []byte(m.HTML), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
			fmt.Printf("%s\t%s\n", path, m.Subject)
		}
	}
	return nil
}
