package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPageRender(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": minimal + `        pages:
          - {url: https://x.example/news, item: article, render: chromium}
          - {url: https://x.example/jobs, watch: changes, select: li, render: chromium}
          - {url: https://x.example/a, item: article, render: firefox}
`})
	_, err := Load("veille.yaml", Options{Getenv: env(nil)})
	sameLines(t, problemLines(t, err), []string{
		`veille.yaml:14: watchlists[0].prospects[0].pages[2].render: expected "chromium" (render the page with a headless browser first) or nothing, got "firefox"`,
	})

	dir := t.TempDir()
	p := filepath.Join(dir, "veille.yaml")
	if err := os.WriteFile(p, []byte(minimal+"        pages:\n          - {url: https://x.example/news, item: article, render: chromium}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p, Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Watchlists[0].Prospects[0].Pages[0].Render; got != RenderChromium {
		t.Errorf("render %q, want chromium", got)
	}
}
