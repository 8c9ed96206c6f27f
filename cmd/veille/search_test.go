package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckNewsSearchAndSIREN: from a CRM export of names and SIRENs,
// check counts one news search per prospect and one BODACC query per
// SIREN, and locates a template's unknown placeholder at its line.
func TestCheckNewsSearchAndSIREN(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("prospects.csv", "name;siren;aliases\nBreizh Conserves;552 100 554;BZH Conserves\nMinoterie du Léon;732829320;\nKerlabs;;\n")
	cfg := write("veille.yaml", `store: veille.db
listen: ""
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists:
  - id: agro
    owner: alice
    news_search:
      - "https://news.google.com/rss/search?q={query}&hl=fr&gl=FR&ceid=FR:fr"
    prospects_csv: prospects.csv
`)
	out, stderr, err := runCmd(t, "check", "-c", cfg)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, stderr)
	}
	if want := "3 feeds (0 shared, 3 news searches), 0 pages, 0 change watches, 0 sites to autodiscover, 2 BODACC queries"; !strings.Contains(out, want) {
		t.Errorf("check output lacks %q:\n%s", want, out)
	}

	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := write("bad.yaml", strings.Replace(string(text), "q={query}", "q={company}", 1))
	_, stderr, err = runCmd(t, "check", "-c", bad)
	if exitCode(err, &bytes.Buffer{}) != exitError {
		t.Fatalf("check with an unknown placeholder: %v, want exit 1", err)
	}
	if want := bad + ":9: watchlists[0].news_search[0]: unknown placeholder {company} (known: {name}, {alias}, {domain}, {query}, {siren})"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
