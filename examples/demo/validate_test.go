package demo

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // timezones load on hosts without a zoneinfo database

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// checkConfig applies the rules veille check enforces that a decoded struct
// cannot: references between keys, ids, cron expressions, CSS selectors.
func checkConfig(t *testing.T, cfg *config.Config) {
	t.Helper()
	validLabel := func(where, id string) {
		if !slices.Contains(signals.LabelIDs(), id) {
			t.Errorf("%s: %q is not a signal id", where, id)
		}
	}
	validLang := func(where, l string) {
		if l != "" && l != "fr" && l != "en" {
			t.Errorf("%s: language %q", where, l)
		}
	}
	validTZ := func(where, tz string) {
		if _, err := time.LoadLocation(tz); tz != "" && err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	for where, expr := range map[string]string{"poll": cfg.Poll, "digest.schedule": cfg.Digest.Schedule} {
		if _, err := parser.Parse(expr); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
	validTZ("timezone", cfg.Timezone)
	validLang("digest.language", cfg.Digest.Language)
	for id := range cfg.Scoring.Points {
		validLabel("scoring.points", id)
	}
	reps := map[string]bool{}
	for _, r := range cfg.Reps {
		if r.ID == "" || reps[r.ID] || !strings.Contains(r.Email, "@") {
			t.Errorf("reps: bad or duplicate rep %+v", r)
		}
		reps[r.ID] = true
		validLang("reps."+r.ID, r.Language)
		validTZ("reps."+r.ID, r.Timezone)
	}
	selector := func(where, sel string) {
		if sel == "" {
			return
		}
		css, _, _ := strings.Cut(sel, "@")
		if _, err := cascadia.Compile(css); err != nil {
			t.Errorf("%s: selector %q: %v", where, sel, err)
		}
	}
	for _, wl := range cfg.Watchlists {
		w := "watchlists." + wl.ID
		if !reps[wl.Owner] {
			t.Errorf("%s.owner: no rep %q", w, wl.Owner)
		}
		for id := range wl.Terms {
			validLabel(w+".terms", id)
		}
		for id := range wl.Points {
			validLabel(w+".points", id)
		}
		for _, id := range wl.AlertOn {
			validLabel(w+".alert_on", id)
		}
		for _, f := range wl.Fit {
			conds := 0
			if f.Min != nil || f.Max != nil {
				conds++
			}
			if f.Equals != "" {
				conds++
			}
			if len(f.In) > 0 {
				conds++
			}
			if f.Field == "" || conds != 1 || f.Points == 0 {
				t.Errorf("%s.fit: rule %+v needs a field, one condition and points", w, f)
			}
		}
		for _, p := range wl.Prospects {
			if p.Owner != "" && !reps[p.Owner] {
				t.Errorf("%s: prospect %s: no rep %q", w, p.Name, p.Owner)
			}
			for _, pg := range p.Pages {
				pw := w + ".prospects." + p.Name + ".pages"
				switch pg.Watch {
				case "":
					if pg.Item == "" || pg.Title == "" || pg.Link == "" {
						t.Errorf("%s: selector mode needs item, title and link", pw)
					}
					for _, s := range []string{pg.Item, pg.Title, pg.Link, pg.Date, pg.Summary} {
						selector(pw, s)
					}
				case "changes":
					if pg.Select == "" {
						t.Errorf("%s: change mode needs select", pw)
					}
					selector(pw, pg.Select)
				default:
					t.Errorf("%s: watch %q", pw, pg.Watch)
				}
			}
		}
	}
}

// TestExampleConfig holds examples/veille.yaml to the configuration shape of
// DESIGN.md: every key present, nothing unknown, references consistent, and
// its prospects CSV well formed.
func TestExampleConfig(t *testing.T) {
	b, err := os.ReadFile("../veille.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := decodeConfig(t, b)
	checkConfig(t, cfg)
	// veille check opens the files a config names; relative ones are beside it.
	if pf := cfg.SMTP.PasswordFile; pf != "" && !strings.HasPrefix(pf, "/") {
		if _, err := os.Stat("../" + pf); err != nil {
			t.Errorf("smtp.password_file: %v", err)
		}
	}

	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(root.Content[0], "", keys)
	for _, k := range designKeys {
		if !keys[k] {
			t.Errorf("example config lacks %s", k)
		}
	}

	reps := map[string]bool{}
	for _, r := range cfg.Reps {
		reps[r.ID] = true
	}
	var csvs int
	for _, wl := range cfg.Watchlists {
		if wl.ProspectsCSV == "" {
			continue
		}
		csvs++
		checkProspectsCSV(t, "../"+wl.ProspectsCSV, reps)
	}
	if csvs == 0 {
		t.Error("no watch list names a prospects_csv")
	}
}

// designKeys are the key paths of DESIGN.md's "Configuration shape"; list
// items are written [].
var designKeys = []string{
	"timezone", "store", "retention", "listen", "poll",
	"fetch.timeout", "fetch.max_body", "fetch.concurrency", "fetch.per_host_interval", "fetch.robots", "fetch.contact",
	"smtp.host", "smtp.port", "smtp.tls", "smtp.username", "smtp.password_file", "smtp.from",
	"digest.schedule", "digest.language", "digest.send_empty",
	"scoring.half_life", "scoring.item_cap", "scoring.hot", "scoring.potential", "scoring.points",
	"reps[].id", "reps[].name", "reps[].email", "reps[].language", "reps[].timezone",
	"admins", "lexicon_dir",
	"watchlists[].id", "watchlists[].owner", "watchlists[].feeds", "watchlists[].keywords", "watchlists[].terms",
	"watchlists[].points", "watchlists[].alert_on",
	"watchlists[].fit[].field", "watchlists[].fit[].min", "watchlists[].fit[].max", "watchlists[].fit[].equals", "watchlists[].fit[].points",
	"watchlists[].prospects_csv",
	"watchlists[].prospects[].name", "watchlists[].prospects[].crm_id", "watchlists[].prospects[].aliases",
	"watchlists[].prospects[].domain", "watchlists[].prospects[].site", "watchlists[].prospects[].exclude",
	"watchlists[].prospects[].fields", "watchlists[].prospects[].feeds",
	"watchlists[].prospects[].pages[].url", "watchlists[].prospects[].pages[].item", "watchlists[].prospects[].pages[].title",
	"watchlists[].prospects[].pages[].link", "watchlists[].prospects[].pages[].date", "watchlists[].prospects[].pages[].summary",
	"watchlists[].prospects[].pages[].watch", "watchlists[].prospects[].pages[].select",
}

func collectKeys(n *yaml.Node, prefix string, keys map[string]bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if prefix != "" {
				k = prefix + "." + k
			}
			keys[k] = true
			// Maps whose keys are data (fields, points, keywords, terms) stop here.
			last := k[strings.LastIndex(k, ".")+1:]
			if slices.Contains([]string{"fields", "points", "keywords", "terms"}, last) {
				continue
			}
			collectKeys(n.Content[i+1], k, keys)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			collectKeys(c, prefix+"[]", keys)
		}
	}
}

func checkProspectsCSV(t *testing.T, path string, reps map[string]bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	header := []string{"name", "crm_id", "aliases", "domain", "owner", "site", "feeds", "exclude", "headcount", "sector", "region"}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		t.Fatalf("%s: header %v, want %v", path, rows[0], header)
	}
	if n := len(rows) - 1; n < 5 || n > 8 {
		t.Errorf("%s: %d prospects, want 5-8", path, n)
	}
	for i, r := range rows[1:] {
		line := i + 2
		if r[0] == "" {
			t.Errorf("%s:%d: empty name", path, line)
		}
		if r[4] != "" && !reps[r[4]] {
			t.Errorf("%s:%d: owner %q is not a rep", path, line, r[4])
		}
		for _, feed := range strings.Split(r[6], "|") {
			if feed != "" && !strings.HasPrefix(feed, "https://") {
				t.Errorf("%s:%d: feed %q", path, line, feed)
			}
		}
	}
}
