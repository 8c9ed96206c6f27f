package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
)

// classifyIn is one line of `veille classify --format jsonl` input.
type classifyIn struct {
	ID      json.RawMessage `json:"id"`
	Title   string          `json:"title"`
	Summary string          `json:"summary"`
	Lang    string          `json:"lang"`
	Company string          `json:"company"`
}

type classifyOut struct {
	ID       json.RawMessage                      `json:"id"`
	Labels   []signals.Label                      `json:"labels"`
	Evidence map[signals.Label][]signals.Evidence `json:"evidence"`
}

func cmdClassify(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "classify")
	cfgPath := fs.String("c", "", "config file: its lexicon_dir, and with --watchlist that list's keywords and terms, apply")
	wlID := fs.String("watchlist", "", "watch list whose extra terms apply (needs -c)")
	format := fs.String("format", "text", "text (one item a line) or jsonl")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "text", "jsonl"); err != nil {
		return err
	}
	if *wlID != "" && *cfgPath == "" {
		return usageError{"classify: --watchlist needs -c FILE"}
	}
	lexDir, extra := "", signals.Extra{}
	if *cfgPath != "" {
		cfg, err := loadConfig(e, *cfgPath)
		if err != nil {
			return err
		}
		lexDir = cfg.LexiconDir
		if err := checkWatchlist(cfg, *cfgPath, *wlID); err != nil {
			return err
		}
		for _, wl := range cfg.Watchlists {
			if wl.ID == *wlID {
				extra = plan.ExtraTerms(wl)
			}
		}
	}
	lex, err := lexicon(lexDir)
	if err != nil {
		return err
	}
	cls, err := signals.NewClassifier(lex, extra)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if *format == "text" {
			printClassified(e, line, cls.Classify(signals.Input{Title: line}))
			continue
		}
		var in classifyIn
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			return fmt.Errorf("stdin line %d: %w", n, err)
		}
		c := cls.Classify(signals.Input{Title: in.Title, Summary: in.Summary, Lang: in.Lang, Company: in.Company})
		if err := enc.Encode(classifyOut{ID: in.ID, Labels: c.Labels, Evidence: c.Evidence.Map()}); err != nil {
			return err
		}
	}
	return sc.Err()
}

func printClassified(e *env, line string, c signals.Classification) {
	fmt.Fprintf(e.stdout, "%s\t%s\n", labelText(c.Labels), line)
	for _, l := range append(append([]signals.Label{}, c.Labels...), signals.Keyword) {
		for _, ev := range c.Evidence.Of(l) {
			fmt.Fprintf(e.stdout, "    %s: %q (%s@%d)\n", l, ev.Term, ev.Field, ev.Offset)
		}
	}
}
