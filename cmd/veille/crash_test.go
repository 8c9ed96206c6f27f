package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/testbin"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

const (
	crashFeeds = 40
	crashItems = 8
	crashKills = 12
)

var crashTitles = []string{
	"%s lève %d millions d'euros pour accélérer sa croissance",
	"%s inaugure une nouvelle usine à Rennes (%d emplois)",
	"%s nomme un nouveau directeur général après %d ans",
	"%s remporte un contrat à l'export au Canada de %d millions",
	"%s dépose %d brevets sur le recyclage des emballages",
	"%s annonce un plan de %d suppressions de postes",
	"%s publie ses résultats : chiffre d'affaires en hausse de %d %%",
	"%s sponsor du festival de Lorient pour la %de année",
}

// crashServer serves static RSS feeds with a little latency, so fetches
// overlap the writes of earlier ones, counts the feed requests, and records
// every item it served.
func crashServer(t *testing.T) (srv *httptest.Server, requests func() int64, items func() map[string]bool) {
	var mu sync.Mutex
	var hits atomic.Int64
	served := map[string]bool{}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/feeds/%d.xml", &n); err != nil {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		time.Sleep(time.Duration(2+n%8) * time.Millisecond)
		company := fmt.Sprintf("Société %02d", n)
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>http://%s/</link>`, company, r.Host)
		now := time.Now()
		for i := range crashItems {
			guid := fmt.Sprintf("f%d-i%d", n, i)
			mu.Lock()
			served[guid] = true
			mu.Unlock()
			fmt.Fprintf(&b, `<item><guid>%s</guid><title>%s</title><link>http://%s/a/%s</link><pubDate>%s</pubDate></item>`,
				guid, fmt.Sprintf(crashTitles[i], company, 10+n), r.Host, guid, now.Add(-time.Duration(i+1)*time.Hour).Format(time.RFC1123Z))
		}
		b.WriteString(`</channel></rss>`)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	return srv, hits.Load, func() map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]bool{}
		for k := range served {
			out[k] = true
		}
		return out
	}
}

func crashConfig(t *testing.T, dir, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "store: %s\nlisten: \"\"\nfetch: {concurrency: 4, per_host_interval: 0s, robots: false, timeout: 10s}\n", filepath.Join(dir, "veille.db"))
	b.WriteString("smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}\n")
	b.WriteString("reps:\n  - {id: alice, name: Alice, email: alice@example.com}\n")
	b.WriteString("watchlists:\n  - id: wl\n    owner: alice\n    prospects:\n")
	for n := range crashFeeds {
		fmt.Fprintf(&b, "      - {name: \"Société %02d\", feeds: [\"%s/feeds/%d.xml\"]}\n", n, base, n)
	}
	p := filepath.Join(dir, "veille.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCrashKeepsStoreConsistent kills `veille once` with SIGKILL at random
// points of its cycles, then checks the store opens, holds every served
// item exactly once, and scores no story twice. A kill point is a count of
// feed requests, 0 to all of a cycle's: a kill lands mid-cycle however
// fast or loaded the machine is.
func TestCrashKeepsStoreConsistent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills a subprocess")
	}
	bin := testbin.Veille(t)
	srv, requests, served := crashServer(t)

	// A clean run on a fresh store: the reference for scores. The runs
	// not killed are in-process: the same code, without a process start
	// and a lexicon compile each.
	cleanCfg := crashConfig(t, t.TempDir(), srv.URL)
	start := time.Now()
	if out, stderr, err := runCmd(t, "once", "-c", cleanCfg, "--no-send"); err != nil {
		t.Fatalf("clean run: %v\n%s%s", err, out, stderr)
	}
	runTime := time.Since(start)

	dir := t.TempDir()
	cfg := crashConfig(t, dir, srv.URL)
	rng := rand.New(rand.NewPCG(1, 2))

	killed := 0
	for i := range crashKills {
		cmd := exec.Command(bin, "once", "-c", cfg, "--no-send")
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		killAt := requests() + rng.Int64N(crashFeeds+1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
	wait:
		for {
			select {
			case err = <-exited:
				break wait
			case <-time.After(time.Millisecond):
				if requests() >= killAt {
					cmd.Process.Kill()
					err = <-exited
					break wait
				}
			}
		}
		switch {
		case err != nil && strings.Contains(err.Error(), "killed"):
			killed++
		case err != nil:
			t.Fatalf("run %d: %v\n%s", i, err, out.String())
		}
	}
	t.Logf("%d of %d runs killed mid-way (a clean run takes %s)", killed, crashKills, runTime.Round(time.Millisecond))
	if killed < crashKills/2 {
		t.Fatalf("only %d runs were killed before finishing: the test no longer exercises crashes", killed)
	}
	if out, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send"); err != nil {
		t.Fatalf("clean run after the crashes: %v\n%s%s", err, out, stderr)
	}

	st, err := store.Open(filepath.Join(dir, "veille.db"), time.Second)
	if err != nil {
		t.Fatalf("store after %d kills: %v", killed, err)
	}
	want := served()
	if len(want) != crashFeeds*crashItems {
		t.Fatalf("server served %d items, want %d", len(want), crashFeeds*crashItems)
	}
	// An item's key is its source and GUID: stored at all is stored once.
	err = st.View(func(tx *store.Tx) error {
		for guid := range want {
			var feed int
			fmt.Sscanf(guid, "f%d-", &feed)
			src := signals.NewSource(signals.KindFeed, fmt.Sprintf("%s/feeds/%d.xml", srv.URL, feed), signals.PageSpec{})
			if !tx.HasItem(src.ID, "g:"+guid) {
				t.Errorf("item %s served, not stored", guid)
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	// Signals and tiers equal those of the clean run: nothing was counted twice.
	crashed, _, _ := runCmd(t, "signals", "-c", cfg, "--format", "csv", "--since", "1d")
	clean, _, _ := runCmd(t, "signals", "-c", cleanCfg, "--format", "csv", "--since", "1d")
	if a, b := strings.Count(crashed, "\n"), strings.Count(clean, "\n"); a != b || a < crashFeeds {
		t.Errorf("signals after crashes: %d lines, after a clean run: %d", a, b)
	}
	leadsCrashed, _, _ := runCmd(t, "leads", "-c", cfg, "--format", "csv")
	leadsClean, _, _ := runCmd(t, "leads", "-c", cleanCfg, "--format", "csv")
	if tierCounts(leadsCrashed) != tierCounts(leadsClean) {
		t.Errorf("tiers after crashes %v, after a clean run %v", tierCounts(leadsCrashed), tierCounts(leadsClean))
	}
}

func tierCounts(csv string) [3]int {
	var c [3]int
	for _, line := range strings.Split(csv, "\n") {
		switch {
		case strings.Contains(line, ",hot,"):
			c[0]++
		case strings.Contains(line, ",potential,"):
			c[1]++
		case strings.Contains(line, ",cold,"):
			c[2]++
		}
	}
	return c
}
