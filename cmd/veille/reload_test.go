package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
)

// TestReloadOnCSVAndLexiconEdit: the daemon reloads when a watch list's
// prospects CSV or a file of lexicon_dir changes, not only veille.yaml.
func TestReloadOnCSVAndLexiconEdit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "prospects.csv")
	lexDir := filepath.Join(dir, "lexicon")
	os.Mkdir(lexDir, 0o700)
	writeConfig(t, csvPath, "name,domain,headcount\nAcme,acme.example,120\n")
	cfgPath := filepath.Join(dir, "veille.yaml")
	listen := freeAddr(t)
	writeConfig(t, cfgPath, `store: `+filepath.Join(dir, "veille.db")+`
listen: `+listen+`
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
lexicon_dir: lexicon
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists:
  - id: wl
    owner: alice
    fit: [{field: headcount, min: 50, points: 10}]
    prospects_csv: prospects.csv
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs logbuf.Buffer
	done := make(chan error, 1)
	go func() {
		e := &env{stdout: io.Discard, stderr: &logs, configPoll: 20 * time.Millisecond}
		done <- cmdRun(ctx, e, []string{"-c", cfgPath, "--log-format", "json"})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the daemon did not stop")
		}
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	eventually(t, 30*time.Second, "the first cycle", func() bool {
		return strings.Contains(logs.String(), `"msg":"cycle done"`)
	})

	writeConfig(t, csvPath, "name,domain,headcount\nAcme,acme.example,120\nBolt Industries,bolt.example,300\n")
	eventually(t, 30*time.Second, "a reload after the CSV edit", func() bool {
		return strings.Contains(logs.String(), `"msg":"config changed: reloading","file":"`+csvPath+`"`)
	})
	waitLogged(t, &logs, `"msg":"config reloaded"`, 1)
	if out, stderr, err := runBeside(t, "leads", "-c", cfgPath, "--format", "csv"); err != nil || !strings.Contains(out, "Bolt Industries") {
		t.Fatalf("leads after the CSV edit: %v, want the CSV's new prospect Bolt Industries\n%s%s", err, out, stderr)
	}

	lexFile := filepath.Join(lexDir, "development.txt")
	writeConfig(t, lexFile, "usine flambant neuve\n")
	eventually(t, 30*time.Second, "a reload after a file was added to lexicon_dir", func() bool {
		return strings.Count(logs.String(), `"msg":"config reloaded"`) >= 2
	})
	// Edited in place, as an editor does, so the folder does not change.
	if err := os.WriteFile(lexFile, []byte("usine flambant neuve\natelier agrandi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "a reload after a lexicon file was edited", func() bool {
		return strings.Contains(logs.String(), `"msg":"config changed: reloading","file":"`+lexFile+`"`)
	})
}
