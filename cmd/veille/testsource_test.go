package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTestSourceCommand(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html lang="fr"><body>
<article class="news"><h2>Kerloc Industries lève 8 millions d'euros pour son usine de Brest</h2><a href="/n/1">lire</a></article>
<article class="news"><h2>Nos horaires d'été</h2><a href="/n/2">lire</a></article></body></html>`)
	}))
	defer srv.Close()
	cfg := pageConfig(t, srv.URL+"/news")

	out, stderr, err := runCmd(t, "test-source", "-c", cfg, "--prospect", "kerloc industries")
	if err != nil {
		t.Fatalf("test-source: %v\n%s%s", err, out, stderr)
	}
	for _, want := range []string{
		"page " + srv.URL + "/news\n",
		"status 200, 2 item(s)",
		"Kerloc Industries lève 8 millions d'euros pour son usine de Brest\n",
		"→ Kerloc Industries: financial_growth (",
		"Nos horaires d'été\n",
		"→ Kerloc Industries: about the company, no signal",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Nothing was stored: the store was not even created.
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "veille.db")); !os.IsNotExist(err) {
		t.Errorf("test-source touched the store: %v", err)
	}

	out, _, err = runCmd(t, "test-source", "--url", srv.URL+"/news", "--item", "article.news", "--title", "h3", "--interval", "0")
	if err != nil || !strings.Contains(out, `warning: selectors match nothing: title "h3"`) || !strings.Contains(out, "(no title)") {
		t.Errorf("test-source --url with a title selector that matches nothing: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "test-source", "-c", cfg, "--prospect", "Nobody"); err == nil || !strings.Contains(err.Error(), `no prospect named "Nobody"`) {
		t.Errorf("unknown prospect: %v", err)
	}
	if _, _, err := runCmd(t, "test-source"); exitCode(err, &strings.Builder{}) != exitUsage {
		t.Errorf("test-source with nothing to fetch: %v, want a usage error", err)
	}
}

// A prospect's news search is among the sources test-source tries, and its
// items are matched by mention.
func TestTestSourceNewsSearch(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") != "Kerloc Industries" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>search</title>
<item><title>Kerloc Industries ouvre une usine à Brest</title><link>https://news.example/1</link></item>
<item><title>La météo de la semaine</title><link>https://news.example/2</link></item>
</channel></rss>`)
	}))
	defer srv.Close()
	cfg := watchlistConfig(t, fmt.Sprintf(`    news_search: [%q]
    prospects:
      - {name: Kerloc Industries}
`, srv.URL+"/rss?q={name}"))
	out, stderr, err := runCmd(t, "test-source", "-c", cfg, "--prospect", "Kerloc Industries")
	if err != nil {
		t.Fatalf("test-source: %v\n%s%s", err, out, stderr)
	}
	for _, want := range []string{
		"feed " + srv.URL + "/rss?q=Kerloc+Industries (news search: items count for the prospects they name)\n",
		"status 200, 2 item(s)",
		"→ Kerloc Industries: new_sites (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "→") != 1 {
		t.Errorf("an item that names no prospect has a signal:\n%s", out)
	}
}
