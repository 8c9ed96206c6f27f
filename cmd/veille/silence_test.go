package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// pageConfig writes a config with one prospect read from pageURL with
// selectors.
func pageConfig(t *testing.T, pageURL string) string {
	t.Helper()
	return watchlistConfig(t, fmt.Sprintf(`    prospects:
      - name: Kerloc Industries
        pages:
          - {url: %q, item: article.news, title: h2}
`, pageURL))
}

// watchlistConfig writes a config in a new folder, with its store beside
// it, fetches without politeness, one rep (alice) and one watch list
// (test, owned by alice) whose further keys are watchlist, indented for it.
func watchlistConfig(t *testing.T, watchlist string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "veille.yaml")
	body := fmt.Sprintf(`store: %s
fetch: {robots: false, per_host_interval: 0s, timeout: 5s}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps:
  - {id: alice, name: Alice, email: alice@example.com}
watchlists:
  - id: test
    owner: alice
`, filepath.Join(dir, "veille.db")) + watchlist
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A newsroom redesign that breaks the selectors shows in `veille sources`;
// a cycle where every source fails makes `once` fail.
func TestSilentAndFailingSources(t *testing.T) {
	t.Parallel()
	var visit atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch visit.Add(1) {
		case 1:
			fmt.Fprint(w, `<html><body><article class="news"><h2>Kerloc Industries opens a plant in Brest</h2><a href="/n/1">more</a></article></body></html>`)
		case 2:
			fmt.Fprint(w, `<html><body><div class="card"><h3>Kerloc Industries opens a plant in Brest</h3></div></body></html>`)
		default:
			http.Error(w, "down", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	cfg := pageConfig(t, srv.URL+"/news")
	for i := 1; i <= 2; i++ {
		if out, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send"); err != nil {
			t.Fatalf("once %d: %v\n%s%s", i, err, out, stderr)
		}
	}
	out, _, err := runCmd(t, "sources", "-c", cfg, "--silent")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "SILENT SINCE") || !regexp.MustCompile(`page\s+\S+/news\s.*\[silent\] selectors match nothing: item "article.news"`).MatchString(out) {
		t.Errorf("sources --silent does not show the broken selectors:\n%s", out)
	}

	out, _, err = runCmd(t, "once", "-c", cfg, "--no-send")
	if err == nil || !strings.Contains(err.Error(), "every source polled failed (1 of 1)") || exitCode(err, &strings.Builder{}) != exitError {
		t.Errorf("once with every source failing: %v, want exit %d naming the failure\n%s", err, exitError, out)
	}
	out, _, err = runCmd(t, "sources", "-c", cfg, "--silent")
	if err != nil || strings.Contains(out, "/news") {
		t.Errorf("a failing source is listed as silent (%v):\n%s", err, out)
	}
}
