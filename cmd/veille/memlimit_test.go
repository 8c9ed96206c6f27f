package main

import (
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// The memory limit follows the config: its sources and fetch workers. It
// is applied unless GOMEMLIMIT set one, and grows with the watch list
// (20,000 feeds get about ten times the 2,000-feed figure's sources share).
func TestSetMemoryLimitFromConfig(t *testing.T) {
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64) })
	dir := t.TempDir()
	path := filepath.Join(dir, "veille.yaml")
	err := os.WriteFile(path, []byte(`store: `+filepath.Join(dir, "veille.db")+`
listen: ""
fetch: {concurrency: 8}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists: [{id: wl, owner: alice, prospects: [
  {name: Acme, feeds: ["https://acme.example/feed", "https://acme.example/press.xml"]},
  {name: Breizh Conserves, feeds: ["https://breizh.example/feed"]}]}]
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	var errs strings.Builder
	cfg, err := loadConfig(&env{stdout: io.Discard, stderr: &errs}, path)
	if err != nil {
		t.Fatalf("%v: %s", err, errs.String())
	}
	plan, err := buildPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	setMemoryLimit(plan, log)
	if got, want := debug.SetMemoryLimit(-1), memoryLimit(3, 8); got != want {
		t.Errorf("limit %d MiB, want %d MiB: 3 sources, 8 workers", got>>20, want>>20)
	}

	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	setMemoryLimit(plan, log)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("with GOMEMLIMIT=1GiB the limit became %d MiB; the operator's limit must stand", got>>20)
	}

	for _, tc := range []struct {
		sources, workers int
		minMiB, maxMiB   int64
	}{
		{100, 16, 28, 36},
		{2000, 64, 30, 40},
		{20000, 64, 95, 120},
	} {
		if got := memoryLimit(tc.sources, tc.workers) >> 20; got < tc.minMiB || got > tc.maxMiB {
			t.Errorf("memoryLimit(%d sources, %d workers) = %d MiB, want %d to %d", tc.sources, tc.workers, got, tc.minMiB, tc.maxMiB)
		}
	}
}
