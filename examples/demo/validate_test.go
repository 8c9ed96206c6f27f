package demo

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// TestExampleConfig holds examples/veille.yaml to the documented
// configuration shape: veille check accepts it, every key is present, and
// its prospects CSV is well formed.
func TestExampleConfig(t *testing.T) {
	cfg, err := config.Load("../veille.yaml", config.Options{Labels: signals.LabelIDs(), Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatalf("veille check would refuse examples/veille.yaml:\n%v", err)
	}
	b, err := os.ReadFile("../veille.yaml")
	if err != nil {
		t.Fatal(err)
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
		checkProspectsCSV(t, wl.ProspectsCSV, reps)
	}
	if csvs == 0 {
		t.Error("no watch list names a prospects_csv")
	}
}

// designKeys are the key paths of the documented configuration (README "Configure"); list
// items are written [].
var designKeys = []string{
	"timezone", "store", "retention", "listen", "poll",
	"fetch.timeout", "fetch.max_body", "fetch.concurrency", "fetch.per_host_interval", "fetch.robots", "fetch.contact",
	"smtp.host", "smtp.port", "smtp.tls", "smtp.username", "smtp.password_file", "smtp.from",
	"digest.schedule", "digest.language", "digest.send_empty",
	"scoring.half_life", "scoring.item_cap", "scoring.hot", "scoring.potential", "scoring.points",
	"reps[].id", "reps[].name", "reps[].email", "reps[].language", "reps[].timezone",
	"admins", "lexicon_dir", "registries.bodacc",
	"watchlists[].id", "watchlists[].owner", "watchlists[].feeds", "watchlists[].news_search", "watchlists[].keywords", "watchlists[].terms",
	"watchlists[].points", "watchlists[].alert_on",
	"watchlists[].fit[].field", "watchlists[].fit[].min", "watchlists[].fit[].max", "watchlists[].fit[].equals", "watchlists[].fit[].points",
	"watchlists[].prospects_csv",
	"watchlists[].prospects[].name", "watchlists[].prospects[].crm_id", "watchlists[].prospects[].aliases",
	"watchlists[].prospects[].domain", "watchlists[].prospects[].siren", "watchlists[].prospects[].site", "watchlists[].prospects[].exclude",
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
