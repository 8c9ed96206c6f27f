package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestClassifyJSONL(t *testing.T) {
	t.Parallel()
	in := `{"id": "a", "title": "Breizh Conserves lève 12 millions d'euros", "summary": "", "lang": "fr"}
{"id": 7, "title": "Acme appoints a new chief financial officer", "summary": "The company named Jane Doe CFO.", "company": "Acme"}
{"id": "c", "title": "Météo : un week-end pluvieux en Bretagne"}
`
	out, stderr, err := runWithStdin(t, in, "classify", "--format", "jsonl")
	if err != nil {
		t.Fatalf("classify: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d output lines, want 3:\n%s", len(lines), out)
	}
	want := []struct {
		id    string
		label string
	}{{`"a"`, "financial_growth"}, {`7`, "hr_moves"}, {`"c"`, ""}}
	for i, line := range lines {
		var got struct {
			ID       json.RawMessage
			Labels   []string
			Evidence map[string][]struct {
				Term   string
				Field  string
				Offset int
			}
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, line)
		}
		if string(got.ID) != want[i].id {
			t.Errorf("line %d: id %s, want %s", i, got.ID, want[i].id)
		}
		if want[i].label == "" {
			if got.Labels == nil || len(got.Labels) != 0 || !strings.Contains(line, `"labels":[]`) {
				t.Errorf("line %d: %s, want labels []", i, line)
			}
			continue
		}
		if !contains(got.Labels, want[i].label) || len(got.Evidence[want[i].label]) == 0 {
			t.Errorf("line %d: %s, want %s with evidence", i, line, want[i].label)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestClassifyTextWithWatchlistTerms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	os.WriteFile(cfg, []byte(`smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists:
  - id: agro
    owner: alice
    keywords: {"appel d'offres": 10}
    terms: {new_sites: [plateforme frigorifique]}
    prospects: [{name: Breizh Conserves}]
`), 0o600)
	line := "Breizh Conserves ouvre une plateforme frigorifique et répond à un appel d'offres\n"
	plain, _, err := runWithStdin(t, line, "classify")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runWithStdin(t, line, "classify", "-c", cfg, "--watchlist", "agro")
	if err != nil {
		t.Fatalf("classify -c: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "new_sites") || !strings.Contains(out, "plateforme frigorifique") || !strings.Contains(out, `keyword: "appel d'offres"`) {
		t.Errorf("watch-list terms not applied:\n%s", out)
	}
	if strings.Contains(plain, "keyword:") {
		t.Errorf("keywords applied without -c:\n%s", plain)
	}
	if _, _, err := runWithStdin(t, line, "classify", "--watchlist", "agro"); exitCode(err, &bytes.Buffer{}) != exitUsage {
		t.Errorf("--watchlist without -c: %v, want a usage error", err)
	}
}

func TestClassifyIssueExamples(t *testing.T) {
	t.Parallel()
	in := "Northgate Composites closes £12m Series B\nHarlow Castings falls into administration, 140 jobs at risk; administrators appointed\nNouveau site internet\n"
	out, stderr, err := runWithStdin(t, in, "classify")
	if err != nil {
		t.Fatalf("classify: %v\n%s", err, stderr)
	}
	for _, want := range []string{"financial_growth\tNorthgate", "difficulty\tHarlow", "none\tNouveau site internet"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
