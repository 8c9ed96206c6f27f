package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSMTPPortMatchesTLS(t *testing.T) {
	tests := []struct {
		smtp string
		want []string
	}{
		{"{host: smtp.example.com, port: 465, tls: starttls, from: v@example.com}",
			[]string{`veille.yaml:1: smtp.port: port 465 speaks implicit TLS, not tls: starttls: set tls: tls, or port 587 with starttls`}},
		{"{host: 127.0.0.1, port: 465, tls: none, from: v@example.com}",
			[]string{`veille.yaml:1: smtp.port: port 465 speaks implicit TLS, not tls: none: set tls: tls, or port 587 with starttls`}},
		{"{host: smtp.example.com, port: 587, tls: tls, from: v@example.com}",
			[]string{`veille.yaml:1: smtp.port: port 587 expects STARTTLS, not implicit TLS: set tls: starttls, or port 465 with tls: tls`}},
		{"{host: smtp.example.com, port: 465, tls: tls, from: v@example.com}", nil},
		{"{host: smtp.example.com, port: 587, tls: starttls, from: v@example.com}", nil},
		{"{host: smtp.example.com, port: 2525, tls: tls, from: v@example.com}", nil},
		{"{host: smtp.example.com, tls: tls, from: v@example.com}", nil}, // the default port follows the mode
	}
	for _, tt := range tests {
		t.Run(tt.smtp, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": "smtp: " + tt.smtp + "\nreps: [{id: a, name: A, email: a@example.com}]\n"})
			_, err := Load("veille.yaml", Options{})
			sameLines(t, problemLines(t, err), tt.want)
		})
	}
}

func TestFitWarnings(t *testing.T) {
	head := minimal[:len(minimal)-len("    prospects:\n      - name: Breizh Conserves\n")]
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "a field no prospect has, close to one they have",
			files: map[string]string{"veille.yaml": head + `    fit:
      - {field: headcont, min: 50, points: 10}
      - {field: sector, equals: agro, points: 5}
    prospects:
      - {name: Breizh Conserves, fields: {headcount: 120, sector: agro}}
`},
			want: []string{`veille.yaml:10: watchlists[0].fit[0].field: no prospect of watch list "agro" has the field "headcont", so the rule never adds points (did you mean headcount?)`},
		},
		{
			name: "a field far from every other",
			files: map[string]string{"veille.yaml": head + `    fit:
      - {field: turnover, min: 5, points: 10}
    prospects:
      - {name: Breizh Conserves, fields: {headcount: 120, sector: agro}}
`},
			want: []string{`veille.yaml:10: watchlists[0].fit[0].field: no prospect of watch list "agro" has the field "turnover", so the rule never adds points (fields: headcount, sector)`},
		},
		{
			name: "non-numeric values under min and max, inline and in the CSV",
			files: map[string]string{
				"veille.yaml": head + `    fit:
      - {field: headcount, min: 50, points: 10}
      - {field: headcount, equals: abc, points: 1}
    prospects_csv: p.csv
    prospects:
      - name: Breizh Conserves
        fields: {headcount: abc}
`,
				"p.csv": "name,headcount\nArmor Lait,1 200\nCeltic Foods,n/a\nKer Avel,\n",
			},
			want: []string{
				`veille.yaml:15: watchlists[0].prospects[0].fields.headcount: "abc" is not a number, so the fit rule watchlists[0].fit[0] (min/max) skips Breizh Conserves: write digits such as 1200 or 12.5`,
				`p.csv:3: headcount: "n/a" is not a number, so the fit rule watchlists[0].fit[0] (min/max) skips Celtic Foods: write digits such as 1200 or 12.5`,
			},
		},
		{
			name: "a watch list without prospects yet",
			files: map[string]string{"veille.yaml": head + `    fit:
      - {field: headcont, min: 50, points: 10}
    prospects_csv: empty.csv
`, "empty.csv": "name,headcount\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, tt.files)
			c, err := Load("veille.yaml", Options{})
			if err != nil {
				t.Fatal(err)
			}
			sameLines(t, problemLines(t, errorsOrNil(c.Warnings())), tt.want)
		})
	}
}

func TestStoreProblems(t *testing.T) {
	root := os.Geteuid() == 0
	tests := []struct {
		name     string
		setup    func(dir string) string // returns the store path
		want     string                  // substring of the one problem; "" for none
		needUser bool                    // root may write anywhere: skip
	}{
		{"a new folder under a writable one", func(dir string) string {
			return filepath.Join(dir, "a", "b", "veille.db")
		}, "", false},
		{"an existing writable store", func(dir string) string {
			p := filepath.Join(dir, "veille.db")
			os.WriteFile(p, nil, 0o600)
			return p
		}, "", false},
		{"a file where a folder must be", func(dir string) string {
			os.WriteFile(filepath.Join(dir, "data"), nil, 0o600)
			return filepath.Join(dir, "data", "sub", "veille.db")
		}, "is a file, not a folder", false},
		{"the store is a folder", func(dir string) string {
			return dir
		}, "is a directory", false},
		{"a folder that cannot be created", func(dir string) string {
			ro := filepath.Join(dir, "ro")
			os.Mkdir(ro, 0o500)
			return filepath.Join(ro, "veille", "veille.db")
		}, "cannot create", true},
		{"an existing folder this user cannot write", func(dir string) string {
			ro := filepath.Join(dir, "ro")
			os.Mkdir(ro, 0o500)
			return filepath.Join(ro, "veille.db")
		}, "cannot write in", true},
		{"a read-only store file", func(dir string) string {
			p := filepath.Join(dir, "veille.db")
			os.WriteFile(p, nil, 0o400)
			return p
		}, "cannot write it", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needUser && root {
				t.Skip("root may write anywhere: run the tests as another user to cover this case")
			}
			dir := t.TempDir()
			store := tt.setup(dir)
			writeFiles(t, map[string]string{"veille.yaml": "store: " + store + "\n"})
			c, err := Load("veille.yaml", Options{})
			if err != nil {
				t.Fatal(err)
			}
			ps := c.StoreProblems()
			switch {
			case tt.want == "" && len(ps) > 0:
				t.Errorf("want no problem, got %v", Errors(ps))
			case tt.want != "" && (len(ps) != 1 || !strings.Contains(ps[0].Error(), tt.want) || !strings.HasPrefix(ps[0].Error(), "veille.yaml:1: store: ")):
				t.Errorf("got %v, want one problem at veille.yaml:1: store: containing %q", Errors(ps), tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
				t.Error("the check created a folder")
			}
		})
	}
}

func TestWebhookConfig(t *testing.T) {
	tests := []struct {
		hook string
		want []string
	}{
		{`{url: "https://hooks.slack.com/services/T/B/x"}`, nil},
		{`{url: "https://crm.example.com/hook", format: json, secret_header: Authorization, secret: "Bearer x"}`, nil},
		{`{format: slack}`, []string{`veille.yaml:6: reps[0].webhook.url: required: the address digests and alerts are posted to`}},
		{`{url: "ftp://x.example/h", format: teams}`, []string{
			`veille.yaml:6: reps[0].webhook.url: expected an absolute http or https URL, got "ftp://x.example/h"`,
			`veille.yaml:6: reps[0].webhook.format: expected slack or json, got "teams"`,
		}},
		{`{url: "https://x.example/h", secret: abc}`, []string{`veille.yaml:6: reps[0].webhook.secret_header: set secret_header and secret together (the header the receiver checks, and its value)`}},
		{`{url: "https://x.example/h", secret_header: "X Token", secret: abc}`, []string{`veille.yaml:6: reps[0].webhook.secret_header: "X Token" is not an HTTP header name`}},
	}
	for _, tt := range tests {
		t.Run(tt.hook, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": "smtp:\n  host: smtp.example.com\n  from: veille@example.com\nreps:\n  - id: alice\n    webhook: " + tt.hook + "\n    email: alice@example.com\n"})
			_, err := Load("veille.yaml", Options{})
			sameLines(t, problemLines(t, err), tt.want)
		})
	}
	for url, want := range map[string]string{
		"https://hooks.slack.com/services/T/B/x": "slack", "https://crm.example.com/h": "json",
	} {
		if got := (Webhook{URL: url}).FormatOr(); got != want {
			t.Errorf("format of %s: %s, want %s", url, got, want)
		}
	}
	if got := (Webhook{URL: "https://hooks.slack.com/services/T/B/secret?token=x"}).Name(); got != "webhook hooks.slack.com" {
		t.Errorf("name %q shows more than the host", got)
	}
}
