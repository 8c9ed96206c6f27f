package notify

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veille-hq/veille/notify/internal/sample"
	"github.com/veille-hq/veille/signals"
)

var update = flag.Bool("update", false, "rewrite notify/testdata/*.golden from the current rendering")

// TestGolden pins the rendered HTML and text of every message kind in both
// languages, on the fixed data of package sample.
func TestGolden(t *testing.T) {
	r, err := NewRenderer(Options{From: "Veille <veille@example.com>", ReplyTo: "sales-ops@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	alerts := func(lang string) signals.Alerts {
		d := sample.Digest(lang)
		return signals.Alerts{Rep: d.Rep, At: d.At, Leads: d.Leads[:1]}
	}
	for _, tc := range []struct {
		name    string
		render  func() (signals.Message, error)
		subject string
	}{
		{"digest.fr", func() (signals.Message, error) { return r.Digest(sample.Digest("fr")) }, "3 leads chauds\u202f: Breizh Conserves, Armor Logistique, Cidrerie de Cornouaille — lun. 23 nov."},
		{"digest.en", func() (signals.Message, error) { return r.Digest(sample.Digest("en")) }, "3 hot leads: Breizh Conserves, Armor Logistique, Cidrerie de Cornouaille — Mon 23 Nov"},
		{"alert.fr", func() (signals.Message, error) { return r.Alerts(alerts("fr")) }, "Alerte\u202f: Breizh Conserves — croissance financière"},
		{"alert.en", func() (signals.Message, error) { return r.Alerts(alerts("en")) }, "Alert: Breizh Conserves — financial growth"},
		{"health.fr", func() (signals.Message, error) { return r.SourceReport(sample.SourceReport(), "fr") }, "veille — santé : 2 sources en échec, 2 sources muettes, 1 message non remis — lun. 23 nov."},
		{"health.en", func() (signals.Message, error) { return r.SourceReport(sample.SourceReport(), "en") }, "veille — health: 2 failing sources, 2 silent sources, 1 undelivered message — Mon 23 Nov"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.render()
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject, tc.subject)
			}
			_, text, html := parts(t, m.EML)
			text, html = strings.ReplaceAll(text, "\r\n", "\n"), strings.ReplaceAll(html, "\r\n", "\n")
			if html != m.HTML {
				t.Errorf("the HTML part differs from the rendered HTML")
			}
			golden(t, tc.name+".html", html)
			golden(t, tc.name+".txt", text)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./notify -run TestGolden -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run with -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}
