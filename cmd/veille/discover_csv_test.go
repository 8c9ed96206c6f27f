package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veille-hq/veille/config"
)

// discoverSites serves a newsroom without a feed, a site advertising its
// feed, and a site with neither.
func discoverSites(t *testing.T) map[string]string {
	t.Helper()
	pages := http.NewServeMux()
	pages.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/presse">Espace presse</a></body></html>`)
	})
	pages.HandleFunc("/presse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html lang="fr"><body><ul class="actus">`)
		for i, title := range []string{"Kerloc ouvre une usine à Brest", "Kerloc recrute 25 techniciens", "Kerloc lève 8 millions d'euros"} {
			fmt.Fprintf(w, `<li><span class="date">%d mars 2025</span> <a href="/presse/%d">%s</a></li>`, 10-i, i, title)
		}
		fmt.Fprint(w, `</ul></body></html>`)
	})
	feed := http.NewServeMux()
	feed.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Armor</body></html>`)
	})
	feed.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Armor</title>
<item><title>Armor ouvre un site à Lorient</title><link>https://armor.example/n/1</link><pubDate>Mon, 10 Mar 2025 08:00:00 +0000</pubDate></item>
</channel></rss>`)
	})
	empty := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p>Bienvenue</p></body></html>`)
	})
	sites := map[string]string{}
	for name, h := range map[string]http.Handler{"pages": pages, "feed": feed, "empty": empty} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		sites[name] = srv.URL + "/"
	}
	return sites
}

func TestDiscoverCSV(t *testing.T) {
	t.Parallel()
	sites := discoverSites(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "crm_bom.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csv := string(raw)
	for k, u := range sites {
		csv = strings.ReplaceAll(csv, "{{"+k+"}}", u)
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "crm.csv")
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(dir, "prospects.yaml")
	stdout, stderr, err := runCmd(t, "discover", "--csv", csvPath, "--out", outPath, "--interval", "0", "--render=false")
	if err != nil {
		t.Fatalf("discover --csv: %v\n%s%s", err, stdout, stderr)
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	out := string(data)

	tests := []struct {
		name     string
		yaml     string // the prospect's lines in the output
		progress string // its progress line's ending on stderr
	}{
		{"Kerloc", `  - name: "Kerloc"
    crm_id: "C1"
    pages:
      - {url: "` + sites["pages"] + `presse", item: "ul.actus > li", title: "a", link: "a@href", date: "span.date"}
`, "Kerloc: news page " + sites["pages"] + "presse"},
		{"Armor Feeds", `  - name: "Armor Feeds"
    crm_id: "C2"
    siren: "552100554"
    feeds:
      - "` + sites["feed"] + `feed.xml"   # 1 item
`, "Armor Feeds: 1 feed"},
		{"Vide SA", `  - name: "Vide SA"
    crm_id: "C3"
    site: "` + sites["empty"] + `"
`, "Vide SA: nothing found: no feed, and no repeated block"},
		{"Sans Site", `  - name: "Sans Site"
    crm_id: "C4"
`, "Sans Site: nothing found: no site nor domain column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(out, tt.yaml) {
				t.Errorf("prospects file lacks\n%s\ngot:\n%s", tt.yaml, out)
			}
			if !strings.Contains(stderr, tt.progress) {
				t.Errorf("progress lacks %q:\n%s", tt.progress, stderr)
			}
		})
	}
	// The BOM did not stick to the first column, and rows found nothing
	// are listed at the end with their reason.
	if !strings.Contains(stderr, "2 of 4 prospects with a feed or a news page") ||
		!strings.Contains(stderr, "Nothing found for these") || !strings.Contains(stderr, "  Sans Site: no site nor domain") {
		t.Errorf("summary:\n%s", stderr)
	}

	// The list loads as it is under a watch list.
	cfgPath := filepath.Join(dir, "veille.yaml")
	indented := strings.ReplaceAll(strings.TrimRight(out, "\n"), "\n", "\n    ")
	cfg := fmt.Sprintf(`store: %s
fetch: {robots: false, per_host_interval: 0s, timeout: 5s}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps:
  - {id: alice, name: Alice, email: alice@example.com}
watchlists:
  - id: crm
    owner: alice
    %s
`, filepath.Join(dir, "veille.db"), indented)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(cfgPath, config.Options{})
	if err != nil {
		t.Fatalf("the discovered list does not load: %v\n%s", err, cfg)
	}
	if got := len(c.Watchlists[0].Prospects); got != 4 {
		t.Errorf("%d prospects loaded, want 4", got)
	}
}

func TestDiscoverCSVUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"discover", "--csv", "a.csv", "https://example.com/"},
		{"discover", "--out", "p.yaml", "https://example.com/"},
		{"discover"},
	} {
		if _, _, err := runCmd(t, args...); exitCode(err, &strings.Builder{}) != exitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if _, _, err := runCmd(t, "discover", "--csv", filepath.Join(t.TempDir(), "none.csv")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing CSV: %v", err)
	}
}
