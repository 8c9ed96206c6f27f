package main

import (
	"os"
	"strings"
	"testing"

	"github.com/veille-hq/veille/internal/chromium"
)

// Without Chromium, the demo's JavaScript-only newsroom is a source error
// naming the package to install; the demo runs on.
func TestDemoWithoutChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("VEILLE_CHROMIUM", "")
	out, stderr, err := runCmd(t, "demo", "--out", t.TempDir())
	if err != nil {
		t.Fatalf("demo without Chromium: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "source error: page ") || !strings.Contains(out, "/forez-usinage/actualites: [render]") || !strings.Contains(out, "apt-get install chromium") {
		t.Errorf("demo output lacks the rendered page's source error:\n%s", out)
	}
	if !strings.Contains(out, "Forez Usinage") {
		t.Errorf("the lead of the page that failed is missing:\n%s", out)
	}
}

// checkDemoRendered checks, when Chromium is installed (CI installs it),
// that the demo read its JavaScript-only newsroom and no source failed.
func checkDemoRendered(t *testing.T, out string) {
	t.Helper()
	if _, err := chromium.Find(); err != nil {
		if isCI() {
			t.Error(err)
		}
		return
	}
	if strings.Contains(out, "source error") {
		t.Errorf("a source failed:\n%s", out)
	}
	if !strings.Contains(out, "buzz: Retrouvez Forez Usinage au salon") {
		t.Errorf("the JavaScript-only newsroom's item is not in the leads:\n%s", out)
	}
}

// isCI reports whether the tests run in CI, where Chromium is installed
// and a missing one is a failure rather than a skip.
func isCI() bool { return os.Getenv("CI") != "" }

func TestCheckWarnsWhenChromiumIsMissing(t *testing.T) {
	cfg := pageConfig(t, "https://kerloc.example/actualites")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), "title: h2}", "title: h2, render: chromium}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("VEILLE_CHROMIUM", "")
	out, stderr, err := runCmd(t, "check", "-c", cfg)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "warning: 1 page(s) with render: chromium, and chromium not found on PATH (install the distribution's package: apt-get install chromium") {
		t.Errorf("check does not warn that Chromium is missing:\n%s", out)
	}
}
