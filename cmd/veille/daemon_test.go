package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/examples/demo"
	"github.com/veille-hq/veille/internal/logbuf"
)

// renderedPages is the pages: block of the demo config's one page read
// through Chromium.
var renderedPages = regexp.MustCompile(`(?m)^ +pages:\n +- url: .*\n(?: +[a-z_]+: .*\n)*? +render: chromium\n`)

// demoConfig is the demo's config without its JavaScript-only newsroom:
// the tests not about rendering start no browser, the slowest part of a
// cycle. TestDemoCommand reads the demo through Chromium.
func demoConfig(t *testing.T, baseURL, storePath string) string {
	t.Helper()
	text := string(demo.Config(baseURL, storePath))
	if n := len(renderedPages.FindAllString(text, -1)); n != 1 {
		t.Fatalf("the demo config has %d pages with render: chromium, want 1", n)
	}
	return renderedPages.ReplaceAllString(text, "")
}

// demoSetup starts the demo's sites for the test and writes, in a folder
// of its own, a config that polls them (demoConfig) into a store there.
func demoSetup(t *testing.T) (dir, cfg string) {
	t.Helper()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir = t.TempDir()
	cfg = filepath.Join(dir, "veille.yaml")
	if err := os.WriteFile(cfg, []byte(demoConfig(t, srv.URL, filepath.Join(dir, "veille.db"))), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// The ports freeAddr hands out lie below the ephemeral range (32768 and up
// on Linux, 49152 and up elsewhere) that ":0" listeners and outgoing
// connections draw from: between freeAddr's check and the daemon's listen,
// no connection of the test's own can take the port. Each is handed out
// once per process.
const freePortMin, freePortMax = 20000, 32767

var freePorts struct {
	sync.Mutex
	given map[int]bool
}

// freeAddr returns a loopback address that nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	freePorts.Lock()
	defer freePorts.Unlock()
	if freePorts.given == nil {
		freePorts.given = map[int]bool{}
	}
	for range 100 {
		port := freePortMin + rand.IntN(freePortMax-freePortMin+1)
		if freePorts.given[port] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		freePorts.given[port] = true
		return l.Addr().String()
	}
	t.Fatalf("no free loopback port in %d-%d", freePortMin, freePortMax)
	return ""
}

// eventually polls cond until it holds or the wait ends.
func eventually(t *testing.T, wait time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLogged waits until logs hold msg n times: a daemon's event, read
// from its log instead of polling the store through commands, each of
// which compiles the config's lexicon.
func waitLogged(t *testing.T, logs *logbuf.Buffer, msg string, n int) {
	t.Helper()
	eventually(t, 30*time.Second, fmt.Sprintf("%d× %s in the logs", n, msg), func() bool {
		return strings.Count(logs.String(), msg) >= n
	})
}

// runBeside runs a command while the daemon holds the store: it waits
// 50 ms, not a second, for the store's lock before it turns to the admin API.
func runBeside(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, storeWait: 50 * time.Millisecond}
	err := commands()[args[0]].run(context.Background(), e, args[1:])
	return out.String(), errOut.String(), err
}

// writeConfig replaces the config file in one rename, so the daemon's
// poller never reads a half-written file.
func writeConfig(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func get(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func countTier(t *testing.T, leadsJSON, tier string) int {
	t.Helper()
	var leads []struct{ Tier string }
	if err := json.Unmarshal([]byte(leadsJSON), &leads); err != nil {
		t.Fatalf("leads json: %v\n%s", err, leadsJSON)
	}
	n := 0
	for _, l := range leads {
		if l.Tier == tier {
			n++
		}
	}
	return n
}

// TestDaemonLifecycle runs `veille run` on the demo corpus and drives it as
// an operator would: health, metrics, commands through the admin API while
// it holds the store, a second writer refused, a live backup, a valid and an
// invalid reload, and a graceful stop.
func TestDaemonLifecycle(t *testing.T) {
	t.Parallel()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "veille.yaml")
	listen := freeAddr(t)
	cfgText := strings.Replace(demoConfig(t, srv.URL, filepath.Join(dir, "veille.db")), `listen: ""`, "listen: "+listen, 1)
	if !strings.Contains(cfgText, "hot: 70") {
		t.Fatal("demo config lacks scoring.hot: 70")
	}
	os.WriteFile(cfgPath, []byte(cfgText), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs logbuf.Buffer
	done := make(chan error, 1)
	go func() {
		e := &env{stdout: io.Discard, stderr: &logs, configPoll: 20 * time.Millisecond}
		done <- cmdRun(ctx, e, []string{"-c", cfgPath, "--log-format", "json"})
	}()

	base := "http://" + listen
	eventually(t, 60*time.Second, "the first cycle (/healthz 200)", func() bool {
		code, _ := get(base + "/healthz")
		return code == http.StatusOK
	})
	if _, body := get(base + "/metrics"); !strings.Contains(body, `veille_cycles_total{outcome="ok"} 1`) || !strings.Contains(body, "veille_signals_total") {
		t.Errorf("/metrics lacks the cycle and signal series:\n%.2000s", body)
	}
	if !strings.Contains(logs.String(), `"msg":"cycle done"`) || !strings.Contains(logs.String(), `"cycle":1`) {
		t.Errorf("no per-cycle summary line in the logs:\n%s", logs.String())
	}

	viaAPI, stderr, err := runBeside(t, "leads", "-c", cfgPath, "--format", "json")
	if err != nil {
		t.Fatalf("leads through the daemon: %v\n%s", err, stderr)
	}
	hot := countTier(t, viaAPI, "hot")
	if hot == 0 {
		t.Fatalf("no hot lead through the admin API:\n%s", viaAPI)
	}

	_, _, err = runBeside(t, "once", "-c", cfgPath)
	if err == nil || !strings.Contains(err.Error(), "veille.db") || !strings.Contains(err.Error(), "locked") {
		t.Errorf("a second writer: %v, want an error naming the locked store", err)
	}

	backup := filepath.Join(dir, "backup.db")
	if _, stderr, err := runBeside(t, "store", "backup", "-c", cfgPath, "--out", backup); err != nil {
		t.Fatalf("live backup: %v\n%s", err, stderr)
	}

	// A valid reload that changes scoring rescores before it is logged.
	writeConfig(t, cfgPath, strings.Replace(cfgText, "hot: 70", "hot: 95", 1))
	waitLogged(t, &logs, `"msg":"config reloaded"`, 1)
	afterReload, stderr, err := runBeside(t, "leads", "-c", cfgPath, "--format", "json")
	if err != nil {
		t.Fatalf("leads after the reload: %v\n%s", err, stderr)
	}
	if n := countTier(t, afterReload, "hot"); n >= hot {
		t.Errorf("%d hot leads after a reload that raised scoring.hot from 70 to 95, want fewer than %d", n, hot)
	}

	// An invalid one is refused and the daemon keeps running on the old one.
	writeConfig(t, cfgPath, cfgText+"bogus: 1\n")
	eventually(t, 30*time.Second, "the invalid reload to be refused", func() bool {
		return strings.Contains(logs.String(), "reload refused")
	})
	if code, _ := get(base + "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after a refused reload: %d", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}

	// With the daemon gone the file opens directly, with the same content.
	writeConfig(t, cfgPath, strings.Replace(cfgText, "hot: 70", "hot: 95", 1))
	direct, stderr, err := runCmd(t, "leads", "-c", cfgPath, "--format", "json")
	if err != nil {
		t.Fatalf("leads from the file: %v\n%s", err, stderr)
	}
	if direct != afterReload {
		t.Errorf("leads from the file differ from the daemon's:\nAPI:  %.500s\nfile: %.500s", afterReload, direct)
	}

	// The live backup is a store the daemon can start from.
	restored := filepath.Join(dir, "restored.yaml")
	os.WriteFile(restored, []byte(strings.Replace(cfgText, filepath.Join(dir, "veille.db"), backup, 1)), 0o600)
	fromBackup, stderr, err := runCmd(t, "leads", "-c", restored, "--format", "json")
	if err != nil {
		t.Fatalf("leads from the backup: %v\n%s", err, stderr)
	}
	if countTier(t, fromBackup, "hot") != hot {
		t.Errorf("backup holds %d hot leads, want %d", countTier(t, fromBackup, "hot"), hot)
	}
}

// TestStopCancelsHungWork: a stop request during a fetch that would hang
// for minutes ends the daemon once its stop timeout has passed, by
// cancelling the fetch.
func TestStopCancelsHungWork(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	os.WriteFile(cfg, []byte(`store: `+filepath.Join(dir, "veille.db")+`
listen: ""
fetch: {timeout: 10m, per_host_interval: 0s}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists: [{id: wl, owner: alice, prospects: [{name: Acme, feeds: ["`+hung.URL+`/feed"]}]}]
`), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	var logs logbuf.Buffer
	done := make(chan error, 1)
	go func() {
		e := &env{stdout: io.Discard, stderr: &logs, stopTimeout: 100 * time.Millisecond}
		done <- cmdRun(ctx, e, []string{"-c", cfg})
	}()
	select {
	case <-arrived:
	case <-time.After(60 * time.Second):
		t.Fatal("the first poll never reached the feed")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon waited for a hung fetch instead of cancelling it")
	}
	if !strings.Contains(logs.String(), "cancelling it") {
		t.Errorf("the daemon stopped without cancelling the hung fetch:\n%s", logs.String())
	}
}
