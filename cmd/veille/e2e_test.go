package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/veille-hq/veille/examples/demo"
	"github.com/veille-hq/veille/notify/smtptest"
)

// runCmd runs the program as main would, returning stdout and stderr.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stdout, stderr, err := runCmd(t, "demo", "--out", dir)
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	checkDemoRendered(t, stdout)
	hotCompany, _ := demo.Expect()
	if !regexp.MustCompile(`(?m)^hot\s+\d+.*` + regexp.QuoteMeta(hotCompany)).MatchString(stdout) {
		t.Errorf("leads table lacks the hot lead %q:\n%s", hotCompany, stdout)
	}
	// Every company of the corpus is a lead with the tier, watch list and
	// owner it is designed for, which holds the demo's config to its corpus.
	for _, co := range demo.Manifest() {
		row := `(?m)^` + co.Tier + `\s+\d+\s+\S+\s+` + regexp.QuoteMeta(co.Name) + `\s+` + regexp.QuoteMeta(co.Watchlist) + `\s+` + co.Owner + `\s`
		if !regexp.MustCompile(row).MatchString(stdout) {
			t.Errorf("leads table lacks %s as a %s lead of %s owned by %s", co.Name, co.Tier, co.Watchlist, co.Owner)
		}
	}
	emls, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	htmls, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(emls) != 2 || len(htmls) != 2 {
		t.Fatalf("previews: %v %v, want an .eml and an .html per rep (2 reps)", emls, htmls)
	}
	for _, p := range emls {
		b, _ := os.ReadFile(p)
		if _, _, _, err := smtptest.Parts(b); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	// A prospect with a SIREN gets the signal its BODACC notice states,
	// in the leads' why and in its owner's digest.
	if !regexp.MustCompile(`(?m)^cold .*Laiterie de la Rance .*difficulty: BODACC · Procédures collectives`).MatchString(stdout) {
		t.Errorf("leads table lacks the BODACC notice of Laiterie de la Rance:\n%s", stdout)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "claire.html")); !strings.Contains(string(b), "BODACC · Procédures collectives") {
		t.Errorf("claire's digest lacks the BODACC notice")
	}
}

// TestDemoCorpusEndToEnd runs the real commands on the demo corpus served
// for the whole test, so the digest's links can be followed.
func TestDemoCorpusEndToEnd(t *testing.T) {
	t.Parallel()
	dir, cfg := demoSetup(t)

	itemsRe := regexp.MustCompile(`(\d+) new items?, (\d+) new signals?`)
	out, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send")
	if err != nil {
		t.Fatalf("first once: %v\n%s", err, stderr)
	}
	m := itemsRe.FindStringSubmatch(out)
	if m == nil || m[1] == "0" || m[2] == "0" {
		t.Fatalf("first cycle stored nothing: %q", out)
	}
	signalsJSON := func() []map[string]any {
		out, stderr, err := runCmd(t, "signals", "-c", cfg, "--since", "30d", "--format", "json")
		if err != nil {
			t.Fatalf("signals: %v\n%s", err, stderr)
		}
		var v []map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("signals json: %v\n%s", err, out)
		}
		return v
	}
	before := signalsJSON()
	// The news search finds the regional articles again (one story, one
	// more outlet) and its homonym result is dropped; the BODACC notice is
	// a signal of its own.
	var searched, bodacc bool
	for _, sig := range before {
		title, _ := sig["title"].(string)
		if strings.HasPrefix(title, "Le festival Ker Avel") {
			t.Errorf("the festival the Ker Avel search returns became a signal of %v", sig["company"])
		}
		bodacc = bodacc || strings.HasPrefix(title, "BODACC · ") && sig["company"] == "Laiterie de la Rance"
		srcs, _ := sig["sources"].([]any)
		for _, src := range srcs {
			if m, _ := src.(map[string]any); m != nil && strings.Contains(fmt.Sprint(m["source"]), "/recherche?q=") {
				searched = true
			}
		}
	}
	if !searched || !bodacc {
		t.Errorf("signals: a news search outlet %v, a BODACC notice %v; want both", searched, bodacc)
	}

	out, _, err = runCmd(t, "once", "-c", cfg, "--no-send")
	if err != nil {
		t.Fatal(err)
	}
	if m := itemsRe.FindStringSubmatch(out); m == nil || m[1] != "0" || m[2] != "0" {
		t.Errorf("second cycle on the same corpus: %q, want 0 new items and 0 new signals", out)
	}
	if after := signalsJSON(); len(after) != len(before) {
		t.Errorf("signals after the second cycle: %d, want %d", len(after), len(before))
	}

	previews := filepath.Join(dir, "out")
	if _, stderr, err := runCmd(t, "digest", "-c", cfg, "--out", previews); err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	hotCompany, hotTitle := demo.Expect()
	emls, _ := filepath.Glob(filepath.Join(previews, "*.eml"))
	var found bool
	for _, p := range emls {
		b, _ := os.ReadFile(p)
		_, text, html, err := smtptest.Parts(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !strings.Contains(text, hotCompany) || !strings.Contains(text, hotTitle) {
			continue
		}
		found = true
		links := regexp.MustCompile(`href="(http://[^"]+)"`).FindAllStringSubmatch(html, -1)
		if len(links) == 0 {
			t.Fatalf("%s: html has no http link", p)
		}
		resp, err := http.Get(strings.ReplaceAll(links[0][1], "&amp;", "&"))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("digest link %s: %v %v", links[0][1], err, resp)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	if !found {
		t.Errorf("no digest's text names the hot lead %q with its signal %q", hotCompany, hotTitle)
	}

	out, _, err = runCmd(t, "leads", "-c", cfg, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var leads []map[string]any
	if err := json.Unmarshal([]byte(out), &leads); err != nil || len(leads) == 0 {
		t.Fatalf("leads json: %v\n%s", err, out)
	}
	for _, k := range []string{"company", "crm_id", "watchlist", "owner", "score", "tier", "trend_7d", "fit", "signals", "why", "last_signal_at"} {
		if _, ok := leads[0][k]; !ok {
			t.Errorf("leads json lacks %q: %v", k, leads[0])
		}
	}
}

func TestCheckReportsLocatedErrors(t *testing.T) {
	t.Parallel()
	if _, stderr, err := runCmd(t, "check", "-c", "../../examples/veille.yaml"); err != nil {
		t.Fatalf("examples/veille.yaml: %v\n%s", err, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("timezone: UTC\nbogus: 1\n"), 0o600)
	_, stderr, err := runCmd(t, "check", "-c", bad)
	if exitCode(err, &bytes.Buffer{}) != exitError {
		t.Fatalf("check on a bad file: %v, want exit 1", err)
	}
	if !strings.Contains(stderr, bad+":2: ") || !strings.Contains(stderr, "bogus") {
		t.Errorf("stderr %q lacks %s:2: naming the unknown key", stderr, bad)
	}
}

func TestCheckWarnsAboutOneWordAliases(t *testing.T) {
	t.Parallel()
	out, stderr, err := runCmd(t, "check", "-c", "../../examples/veille.yaml")
	if err != nil {
		t.Fatalf("examples/veille.yaml: %v\n%s", err, stderr)
	}
	if want := `warning: ../../examples/prospects.csv:3: agro-bretagne/Cidres Kerhervé: alias "Kerhervé" is one word`; !strings.Contains(out, want) {
		t.Errorf("check output lacks %q:\n%s", want, out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"nope"}, {"leads", "--bogus"}, {"digest", "-c", "x.yaml"}} {
		_, _, err := runCmd(t, args...)
		if code := exitCode(err, &bytes.Buffer{}); code != exitUsage {
			t.Errorf("%v: exit %d (%v), want %d", args, code, err, exitUsage)
		}
	}
}
