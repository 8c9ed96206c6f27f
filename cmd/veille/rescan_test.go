package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/query"
)

// newsServer serves one regional news feed: a warehouse opening by Armor
// Logistique, a handball club of the same name hiring a coach (a homonym),
// and a factory opening by Breizh Conserves under a name the config does
// not know yet.
func newsServer(t *testing.T) *httptest.Server {
	t.Helper()
	items := []struct{ guid, title, summary string }{
		{"a1", "Armor Logistique ouvre un nouvel entrepôt à Rennes", "Le transporteur inaugure une plateforme logistique de 20 000 m² et recrute 40 caristes."},
		{"a2", "Armor Logistique recrute un nouvel entraîneur", "Le club de handball corporatif Armor Logistique, qui évolue en régionale, a choisi son entraîneur pour la saison."},
		{"a3", "BZH Conserves ouvre une nouvelle usine à Lorient", "La conserverie investit 8 millions d'euros dans un nouveau site de production."},
	}
	pub := time.Now().Add(-time.Hour).Format(time.RFC1123Z)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/news.rss" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Régional</title><link>http://%s/</link>`, r.Host)
		for _, it := range items {
			fmt.Fprintf(w, `<item><guid>%s</guid><title>%s</title><link>http://%s/a/%s</link><description>%s</description><pubDate>%s</pubDate></item>`,
				it.guid, it.title, r.Host, it.guid, it.summary, pub)
		}
		io.WriteString(w, `</channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// newsConfig is a config watching the news feed for two prospects; edit
// adds YAML lines to Armor Logistique's and Breizh Conserves's entries.
func newsConfig(dir, base, listen, armor, breizh string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "store: %s\nlisten: %q\nfetch: {concurrency: 2, per_host_interval: 0s, robots: false, timeout: 10s}\n", filepath.Join(dir, "veille.db"), listen)
	b.WriteString("smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}\n")
	b.WriteString("reps:\n  - {id: alice, name: Alice, email: alice@example.com}\n")
	fmt.Fprintf(&b, "watchlists:\n  - id: agro\n    owner: alice\n    feeds: [\"%s/news.rss\"]\n    prospects:\n", base)
	fmt.Fprintf(&b, "      - {name: Armor Logistique%s}\n", armor)
	fmt.Fprintf(&b, "      - {name: Breizh Conserves%s}\n", breizh)
	return b.String()
}

type rescanSignal struct {
	Company string `json:"company"`
	URL     string `json:"url"`
	Points  float64
}

func signalsOf(t *testing.T, out string) map[string]string {
	t.Helper()
	var sigs []rescanSignal
	if err := json.Unmarshal([]byte(out), &sigs); err != nil {
		t.Fatalf("signals json: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, s := range sigs {
		m[s.URL[strings.LastIndexByte(s.URL, '/')+1:]] = s.Company
	}
	return m
}

// `veille rescan` after an edit that adds an alias: the stored item the
// alias names becomes the prospect's signal, and the command says so.
func TestRescanCommandBringsInAStoredItem(t *testing.T) {
	t.Parallel()
	srv := newsServer(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	os.WriteFile(cfg, []byte(newsConfig(dir, srv.URL, "", "", "")), 0o600)
	if _, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send"); err != nil {
		t.Fatalf("once: %v\n%s", err, stderr)
	}
	out, _, _ := runCmd(t, "signals", "-c", cfg, "--format", "json")
	if got := signalsOf(t, out); len(got) != 2 || got["a3"] != "" {
		t.Fatalf("signals before the edit: %v, want a1 and a2 (Armor Logistique)", got)
	}

	os.WriteFile(cfg, []byte(newsConfig(dir, srv.URL, "", "", ", aliases: [BZH Conserves]")), 0o600)
	out, stderr, err := runCmd(t, "rescan", "-c", cfg, "--since", "7d")
	if err != nil {
		t.Fatalf("rescan: %v\n%s", err, stderr)
	}
	t.Logf("veille rescan:\n%s", out)
	for _, want := range []string{"3 stored items first seen since", "added", "Breizh Conserves", "BZH Conserves ouvre une nouvelle usine à Lorient", "0.0 → "} {
		if !strings.Contains(out, want) {
			t.Errorf("rescan output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCmd(t, "signals", "-c", cfg, "--format", "json")
	if got := signalsOf(t, out); got["a3"] != "Breizh Conserves" {
		t.Errorf("signals after the rescan: %v, want a3 as Breizh Conserves's", got)
	}
	out, _, err = runCmd(t, "rescan", "-c", cfg, "--format", "json")
	var r query.RescanReport
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || r.Changed() || r.Items != 3 {
		t.Errorf("a second rescan: %v, %s; want 3 items read and nothing changed", err, out)
	}
	if _, _, err := runCmd(t, "rescan", "-c", cfg, "--since", "soon"); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Errorf("rescan --since soon: %v, want a usage error", err)
	}
}

// The daemon, on a config edit that adds an exclude term, drops the stored
// signal of the homonym and its points; `veille rescan` reaches it through
// the admin API meanwhile.
func TestReloadWithExcludeDropsStoredSignal(t *testing.T) {
	t.Parallel()
	srv := newsServer(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "veille.yaml")
	listen := freeAddr(t)
	writeConfig(t, cfgPath, newsConfig(dir, srv.URL, listen, "", ""))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs logbuf.Buffer
	done := make(chan error, 1)
	go func() {
		e := &env{stdout: io.Discard, stderr: &logs, now: time.Now, configPoll: 20 * time.Millisecond}
		done <- cmdRun(ctx, e, []string{"-c", cfgPath, "--log-format", "json"})
	}()
	eventually(t, 60*time.Second, "the first cycle (/healthz 200)", func() bool {
		code, _ := get("http://" + listen + "/healthz")
		return code == http.StatusOK
	})
	armor := func() (float64, int) {
		out, stderr, err := runBeside(t, "leads", "-c", cfgPath, "--format", "json")
		if err != nil {
			t.Fatalf("leads: %v\n%s", err, stderr)
		}
		var leads []struct {
			Company string
			Score   float64
			Signals int
		}
		json.Unmarshal([]byte(out), &leads)
		for _, l := range leads {
			if l.Company == "Armor Logistique" {
				return l.Score, l.Signals
			}
		}
		t.Fatalf("no Armor Logistique lead:\n%s", out)
		return 0, 0
	}
	before, n := armor()
	if n != 2 || before == 0 {
		t.Fatalf("Armor Logistique before the edit: score %v, %d signals; want the warehouse and the homonym", before, n)
	}

	writeConfig(t, cfgPath, newsConfig(dir, srv.URL, listen, ", exclude: [handball]", ""))
	waitLogged(t, &logs, `"msg":"config reloaded"`, 1)
	after, n := armor()
	if n != 1 {
		t.Errorf("Armor Logistique after the exclude: %d signals, want 1 (the homonym's dropped)", n)
	}
	if after >= before {
		t.Errorf("Armor Logistique's score %v after the exclude, want below %v", after, before)
	}
	var buf strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &buf, stderr: io.Discard, now: time.Now, storeWait: 50 * time.Millisecond}
	if err := cmdSignals(ctx, e, []string{"-c", cfgPath, "--format", "json"}); err != nil {
		t.Fatal(err)
	}
	if got := signalsOf(t, buf.String()); got["a2"] != "" || got["a1"] != "Armor Logistique" {
		t.Errorf("signals after the reload: %v, want a1 only", got)
	}
	if !strings.Contains(logs.String(), "reload: matching or classifying changed") {
		t.Errorf("no rescan line in the logs:\n%s", logs.String())
	}

	out, stderr, err := runBeside(t, "rescan", "-c", cfgPath)
	if err != nil || !strings.Contains(out, "no signal changed") {
		t.Errorf("rescan through the daemon: %v\n%s%s", err, out, stderr)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}
}
